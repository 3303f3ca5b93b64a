//! Capture: conversations that land in the folder by themselves.

pub mod mail;
