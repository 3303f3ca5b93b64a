//! Where chat exports come from: the `.txt` WhatsApp writes, or the `.zip` it shares
//! (the chat's `.txt` inside, beside the media files when they were included).

use std::io::Read;
use std::path::Path;

/// The largest chat text read (a zip may claim any size; 40,000 messages, WhatsApp's
/// limit for an export, are a few megabytes).
pub const MAX_CHAT_BYTES: u64 = 256 << 20;

/// The chat's text from a `.txt` or a `.zip` (by its first bytes, not its name), and the
/// names of the media files in a zip.
pub fn read_chat(path: &Path) -> Result<(String, Vec<String>), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut head = [0u8; 4];
    let n = (&file)
        .take(4)
        .read(&mut head)
        .map_err(|e| format!("cannot read: {e}"))?;
    drop(file);
    if n == 4 && head == *b"PK\x03\x04" {
        return from_zip(path);
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CHAT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_CHAT_BYTES {
        return Err(format!("more than {MAX_CHAT_BYTES} bytes; not read"));
    }
    text(bytes).map(|t| (t, Vec::new()))
}

fn text(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        format!("line {line} is not UTF-8 text (WhatsApp writes UTF-8: is this a chat export?)")
    })
}

fn from_zip(path: &Path) -> Result<(String, Vec<String>), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("not a readable zip: {e}"))?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("not a readable zip: {e}"))?;
    // iOS names it `_chat.txt`; Android `WhatsApp Chat with NAME.txt`.
    let chat = names
        .iter()
        .find(|n| n.rsplit('/').next() == Some("_chat.txt"))
        .or_else(|| names.iter().find(|n| n.to_lowercase().ends_with(".txt")))
        .cloned()
        .ok_or("the zip holds no .txt chat export")?;
    let entry = zip
        .by_name(&chat)
        .map_err(|e| format!("cannot read {chat} in the zip: {e}"))?;
    let mut bytes = Vec::new();
    entry
        .take(MAX_CHAT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {chat} in the zip: {e}"))?;
    if bytes.len() as u64 > MAX_CHAT_BYTES {
        return Err(format!(
            "{chat} in the zip is more than {MAX_CHAT_BYTES} bytes; not read"
        ));
    }
    let media = names
        .into_iter()
        .filter(|n| *n != chat && !n.ends_with('/'))
        .collect();
    text(bytes).map(|t| (t, media))
}
