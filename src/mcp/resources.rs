//! What an assistant reads before it writes: `crm://config`, the folder's crm.toml (its
//! stages, fields, settings), and `crm://schema/{type}`, each record type's JSON Schema
//! made with that crm.toml (its stages, declared fields, personal marks).

use std::io::Read;

use rmcp::model::{Resource, ResourceContents, ResourceTemplate};
use rmcp::ErrorData;

use super::Setup;
use crm::model::RecordType;

const CONFIG: &str = "crm://config";
const SCHEMA: &str = "crm://schema/";

pub fn listed() -> Vec<Resource> {
    let mut out = vec![Resource::new(CONFIG, "config")
        .with_description("The folder's settings (crm.toml): stages, pipeline, fields, currency")
        .with_mime_type("application/toml")];
    out.extend(RecordType::ALL.into_iter().map(|t| {
        Resource::new(format!("{SCHEMA}{}", t.singular()), format!("{t} schema"))
            .with_description(format!("The JSON Schema of a {t} record in this folder"))
            .with_mime_type("application/schema+json")
    }));
    out
}

pub fn templates() -> Vec<ResourceTemplate> {
    vec![
        ResourceTemplate::new(format!("{SCHEMA}{{type}}"), "schema").with_description(
            "The JSON Schema of a record type: customer, deal, ticket, campaign or interaction",
        ),
    ]
}

pub fn read(setup: &Setup, uri: &str) -> Result<ResourceContents, ErrorData> {
    let store = crm::store::Store::open(&setup.root, setup.pins)
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
    let (text, mime) = if uri == CONFIG {
        // As the store read it; not through a link.
        let path = setup.root.join(crm::config::FILE_NAME);
        let mut text = String::new();
        crm::store::guard::open_nofollow(std::fs::OpenOptions::new().read(true), &path)
            .and_then(|f| {
                f.take(crm::config::MAX_SETTINGS_BYTES)
                    .read_to_string(&mut text)
            })
            .map_err(|e| ErrorData::internal_error(format!("{}: {e}", path.display()), None))?;
        (text, "application/toml")
    } else if let Some(name) = uri.strip_prefix(SCHEMA) {
        let ty = RecordType::ALL
            .into_iter()
            .find(|t| t.singular() == name || t.plural() == name)
            .ok_or_else(|| not_found(uri))?;
        let schema = crm::rules::schema::record_schema(ty, &store.config);
        (crm::rules::schema::text(&schema), "application/schema+json")
    } else {
        return Err(not_found(uri));
    };
    Ok(ResourceContents::TextResourceContents {
        uri: uri.to_string(),
        mime_type: Some(mime.to_string()),
        text,
        meta: None,
    })
}

fn not_found(uri: &str) -> ErrorData {
    ErrorData::resource_not_found(
        format!("no resource {uri:?} (crm://config, crm://schema/{{type}})"),
        None,
    )
}
