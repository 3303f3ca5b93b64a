//! Capture: conversations that land in the folder by themselves.

pub mod calendar;
pub mod mail;
pub mod whatsapp;
