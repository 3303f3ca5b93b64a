//! The server's standard input and output, with malformed JSON answered.
//!
//! The SDK skips a line that is not JSON without a reply (as the other official SDKs
//! do, so that two confused peers cannot answer each other's garbage forever). JSON-RPC
//! 2.0 asks for a Parse error (-32700, `id: null`) and a client that sent one waits for
//! it: each line read is checked here first; JSON goes on to the SDK, anything else is
//! answered with that error. Both the SDK's replies and these go out through one writer,
//! whole lines each, so they never interleave.

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;

/// The longest message read (16 MiB); a longer line is answered as malformed.
const MAX_LINE: u64 = 16 << 20;

/// The SDK's ends of the two pipes, and the tasks that join them to stdin and stdout.
pub fn pipes() -> (DuplexStream, DuplexStream) {
    let (sdk_in, to_sdk) = tokio::io::duplex(1 << 16);
    let (from_sdk, sdk_out) = tokio::io::duplex(1 << 16);
    let (errors, error_lines) = mpsc::unbounded_channel::<String>();
    tokio::spawn(read_input(to_sdk, errors));
    tokio::spawn(write_output(from_sdk, error_lines));
    (sdk_in, sdk_out)
}

/// The reply to a line that is not JSON.
fn parse_error(why: &str) -> String {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32700, "message": format!("Parse error: {why}")},
    })
    .to_string()
}

async fn read_input(mut to_sdk: DuplexStream, errors: mpsc::UnboundedSender<String>) {
    let mut stdin = BufReader::new(tokio::io::stdin());
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = match (&mut stdin)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if n as u64 > MAX_LINE && line.last() != Some(&b'\n') {
            // The rest of the line is not read into memory: skipped to its end.
            let mut rest = Vec::new();
            loop {
                rest.clear();
                match (&mut stdin)
                    .take(1 << 16)
                    .read_until(b'\n', &mut rest)
                    .await
                {
                    Ok(0) | Err(_) => break,
                    Ok(_) if rest.last() == Some(&b'\n') => break,
                    Ok(_) => {}
                }
            }
            let _ = errors.send(parse_error(&format!(
                "a message longer than {MAX_LINE} bytes"
            )));
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde::de::IgnoredAny>(&text) {
            Ok(_) => {
                let mut whole = line.clone();
                if whole.last() != Some(&b'\n') {
                    whole.push(b'\n');
                }
                if to_sdk.write_all(&whole).await.is_err() {
                    break;
                }
            }
            Err(e) => {
                let _ = errors.send(parse_error(&e.to_string()));
            }
        }
    }
    // Dropping `to_sdk` ends the SDK's input: the session closes.
}

async fn write_output(from_sdk: DuplexStream, mut errors: mpsc::UnboundedReceiver<String>) {
    let mut stdout = tokio::io::stdout();
    let mut replies = BufReader::new(from_sdk);
    let mut line = Vec::new();
    let mut errors_open = true;
    loop {
        tokio::select! {
            read = replies.read_until(b'\n', &mut line) => {
                match read {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if stdout.write_all(&line).await.is_err() || stdout.flush().await.is_err() {
                            break;
                        }
                        line.clear();
                    }
                }
            }
            error = errors.recv(), if errors_open => {
                match error {
                    Some(e) => {
                        let bytes = format!("{e}\n");
                        if stdout.write_all(bytes.as_bytes()).await.is_err() || stdout.flush().await.is_err() {
                            break;
                        }
                    }
                    None => errors_open = false,
                }
            }
        }
    }
}
