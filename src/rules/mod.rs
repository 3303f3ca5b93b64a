//! The field table applied with a folder's crm.toml: typed input, record validation, stage
//! changes and JSON Schemas. `model` is the vocabulary (types, fields, values) and knows
//! no folder's settings; `config` reads crm.toml in that vocabulary; this layer joins the two.

pub mod input;
pub mod schema;
pub mod stage;
pub mod validate;

pub use input::parse_input;
pub use stage::change_stage;
pub use validate::{check_value, validate};
