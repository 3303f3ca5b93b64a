//! `crm mcp`: the server started as a child process and spoken to through the official
//! SDK's client (rmcp), its answers compared with the CLI's JSON for the same folder.

use crate::common;

use std::process::Stdio;

use common::Folder;
use rmcp::model::{CallToolRequestParams, CallToolResult, ReadResourceRequestParams};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};

type Client = RunningService<RoleClient, ()>;

/// The tools, in the order `tools/list` gives them.
const TOOLS: [&str; 10] = [
    "list_records",
    "show_record",
    "timeline",
    "agenda",
    "report",
    "sql",
    "add_record",
    "log_interaction",
    "set_fields",
    "move_stage",
];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `crm mcp ARGS` in the folder, hermetic as every test's crm, connected.
async fn connect(f: &Folder, args: &[&str]) -> Client {
    let mut cmd = tokio::process::Command::from(f.process());
    cmd.arg("mcp").args(args).stderr(Stdio::null());
    let transport = TokioChildProcess::new(cmd).unwrap();
    ().serve(transport).await.unwrap()
}

async fn call(client: &Client, tool: &'static str, args: Value) -> CallToolResult {
    let Value::Object(args) = args else {
        panic!("arguments are an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool).with_arguments(args))
        .await
        .unwrap()
}

fn text(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A folder with two customers, a deal, a ticket and an interaction.
fn folder() -> Folder {
    let f = Folder::new();
    f.write(
        "customers/toko.yaml",
        "name: Toko Maju\nemail: toko@maju.id\nstage: customer\ncity: Bandung\ncreated: 2026-01-05\n",
    );
    f.write(
        "customers/kopi.yaml",
        "name: Kopi Kita\nstage: lead\ncity: Jakarta\nowner: sari\nnext_action: {on: 2026-11-20, note: Call about beans}\ncreated: 2026-10-01\n",
    );
    f.write(
        "deals/pos.yaml",
        "title: POS system\ncustomer: toko\nstage: won\nvalue: 1200\ncurrency: USD\nclosed: 2026-11-02\n\
         history:\n- {stage: new, at: 2026-10-01T09:00:00+00:00}\n- {stage: won, at: 2026-11-02T09:00:00+00:00}\ncreated: 2026-10-01\n",
    );
    f.write(
        "interactions/2026/11/call.yaml",
        "customer: toko\nat: 2026-11-03T10:00:00+00:00\nchannel: call\nsummary: Thanks for the order\n",
    );
    f
}

fn cli_json(f: &Folder, args: &[&str]) -> Value {
    serde_json::from_str(&f.ok(args)).unwrap()
}

#[test]
fn the_tools_answer_as_the_cli_does() {
    let f = folder();
    runtime().block_on(async {
        let client = connect(&f, &[]).await;
        let info = client.peer_info().unwrap();
        assert_eq!(info.server_info.as_ref().unwrap().name, "crm");
        assert!(info.capabilities.tools.is_some() && info.capabilities.resources.is_some());

        // Every tool, each with an input schema that names its fields.
        let tools = client.list_all_tools().await.unwrap();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(names, TOOLS);
        let list = &tools[0].input_schema;
        assert_eq!(list["type"], "object");
        assert_eq!(list["required"], json!(["type"]));
        assert_eq!(
            list["$defs"]["RecordType"]["enum"],
            json!(["customer", "customers", "deal", "deals", "ticket", "tickets", "campaign", "campaigns", "interaction", "interactions"])
        );
        let report = &tools[4].input_schema;
        assert_eq!(
            report["$defs"]["ReportName"]["enum"],
            json!(["funnel", "pipeline", "campaigns", "service", "customers", "feedback", "leads", "weekly"])
        );

        // Reading tools: the CLI's JSON, structured.
        let r = call(&client, "list_records", json!({"type": "customers", "where": "city = Bandung", "fields": ["id", "name", "stage"]})).await;
        assert_eq!(r.is_error, Some(false));
        assert_eq!(text(&r), "1 customer");
        let cli = cli_json(&f, &["list", "customers", "--where", "city = Bandung", "--fields", "id,name,stage", "--format", "json"]);
        assert_eq!(
            r.structured_content.unwrap(),
            json!({"type": "customers", "count": 1, "records": cli})
        );
        let r = call(&client, "show_record", json!({"ref": "toko@maju.id"})).await;
        let shown = r.structured_content.unwrap();
        assert_eq!(shown["path"], "customers/toko.yaml");
        assert_eq!(shown["id"], "toko");
        assert_eq!(shown["record"], cli_json(&f, &["show", "toko", "--format", "json"]));
        let r = call(&client, "timeline", json!({"customer": "toko"})).await;
        assert_eq!(
            r.structured_content.unwrap()["entries"],
            cli_json(&f, &["timeline", "toko", "--format", "json"])
        );
        let r = call(&client, "agenda", json!({"owner": "sari"})).await;
        assert_eq!(
            r.structured_content.unwrap()["items"],
            cli_json(&f, &["agenda", "--owner", "sari", "--format", "json"])
        );
        let r = call(&client, "report", json!({"name": "pipeline", "since": "2026-10-01", "until": "2026-11-30"})).await;
        assert_eq!(text(&r), "the pipeline report");
        assert_eq!(
            r.structured_content.unwrap(),
            cli_json(&f, &["report", "pipeline", "--since", "2026-10-01", "--until", "2026-11-30", "--format", "json"])
        );
        let r = call(&client, "report", json!({"name": "funnel", "as_of": "2026-11-01"})).await;
        assert_eq!(
            r.structured_content.unwrap(),
            cli_json(&f, &["report", "funnel", "--as-of", "2026-11-01", "--format", "json"])
        );
        let r = call(&client, "sql", json!({"query": "select title, value from deals"})).await;
        assert_eq!(
            r.structured_content.unwrap(),
            json!({"count": 1, "rows": [{"title": "POS system", "value": 1200.0}]})
        );

        // Writing tools: the record as written, the same files the CLI writes.
        let r = call(&client, "add_record", json!({"type": "customer", "fields": {"name": "Warung Sari", "email": "sari@warung.id", "tags": ["retail", "vip"], "preferences": {"channel": "whatsapp"}}})).await;
        assert_eq!(r.is_error, Some(false), "{}", text(&r));
        let added = r.structured_content.unwrap();
        let id = added["id"].as_str().unwrap().to_string();
        assert!(id.starts_with("warung-sari-"), "{id}");
        assert_eq!(added["path"], format!("customers/{id}.yaml"));
        assert_eq!(added["record"]["tags"], json!(["retail", "vip"]));
        assert_eq!(added["record"]["preferences"]["channel"], "whatsapp");
        assert_eq!(added["record"]["stage"], "lead");
        assert_eq!(added["record"]["created"], common::TODAY);
        let r = call(&client, "log_interaction", json!({"customer": "sari@warung.id", "channel": "whatsapp", "direction": "inbound", "summary": "Asked for a price list", "at": "2026-11-21T09:00:00+07:00", "next": "2026-11-25 Send the price list"})).await;
        assert_eq!(r.is_error, Some(false), "{}", text(&r));
        let logged = r.structured_content.unwrap();
        assert_eq!(logged["record"]["customer"], id.as_str());
        assert_eq!(logged["record"]["summary"], "Asked for a price list");
        assert_eq!(
            cli_json(&f, &["show", &id, "--format", "json"])["next_action"],
            json!({"on": "2026-11-25", "note": "Send the price list"})
        );
        let r = call(&client, "set_fields", json!({"ref": id, "set": {"city": "Bogor", "loyalty": {"points": 40}}, "unset": ["preferences.channel"]})).await;
        assert_eq!(r.is_error, Some(false), "{}", text(&r));
        let changed = r.structured_content.unwrap();
        assert_eq!(changed["record"]["city"], "Bogor");
        assert_eq!(changed["record"]["loyalty"], json!({"points": 40}));
        assert_eq!(changed["record"].get("preferences"), None);
        let r = call(&client, "move_stage", json!({"ref": "kopi", "stage": "prospect"})).await;
        assert_eq!(r.is_error, Some(false), "{}", text(&r));
        assert_eq!(r.structured_content.unwrap()["record"]["stage"], "prospect");
        assert!(f.read("customers/kopi.yaml").contains("- stage: prospect\n  at: 2026-11-22T00:00:00+00:00\n"));
        assert_eq!(f.check(), (Some(0), String::new()));

        // Resources: the folder's settings and its schemas.
        let r = client
            .read_resource(ReadResourceRequestParams::new("crm://config"))
            .await
            .unwrap();
        let rmcp::model::ResourceContents::TextResourceContents { text, mime_type, .. } = &r.contents[0] else {
            panic!("text")
        };
        assert_eq!(text, &f.read("crm.toml"));
        assert_eq!(mime_type.as_deref(), Some("application/toml"));
        let r = client
            .read_resource(ReadResourceRequestParams::new("crm://schema/deal"))
            .await
            .unwrap();
        let rmcp::model::ResourceContents::TextResourceContents { text, .. } = &r.contents[0] else {
            panic!("text")
        };
        assert_eq!(text, &f.read("schema/deal.schema.json"));
        let templates = client.list_all_resource_templates().await.unwrap();
        assert_eq!(templates[0].uri_template, "crm://schema/{type}");
        let err = client
            .read_resource(ReadResourceRequestParams::new("crm://nothing"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("no resource \"crm://nothing\""), "{err}");
        client.cancel().await.unwrap();
    });
}

/// A bad value, a bad argument, an unknown reference: tool errors with the CLI's exact
/// message; the server goes on serving.
#[test]
fn errors_are_tool_results_with_the_clis_message() {
    let f = folder();
    runtime().block_on(async {
        let client = connect(&f, &[]).await;
        let r = call(&client, "set_fields", json!({"ref": "toko", "set": {"stage": "bogus"}})).await;
        assert_eq!(r.is_error, Some(true));
        let cli = f.fails(1, &["set", "toko", "stage=bogus"]);
        assert_eq!(text(&r), cli.trim_end());
        assert_eq!(
            text(&r),
            "error: invalid value: field `stage`: \"bogus\" is not a stage of the lifecycle in crm.toml (lead, prospect, customer, churned, disqualified)"
        );
        let r = call(&client, "add_record", json!({"type": "deal", "fields": {"title": "X", "customer": "nobody"}})).await;
        assert_eq!(r.is_error, Some(true));
        assert_eq!(text(&r), f.fails(1, &["add", "deal", "--set", "title=X", "--set", "customer=nobody"]).trim_end());
        let r = call(&client, "list_records", json!({"type": "deals", "where": "value >"})).await;
        assert_eq!(r.is_error, Some(true));
        assert_eq!(text(&r), f.fails(2, &["list", "deals", "--where", "value >"]).trim_end());
        let r = call(&client, "show_record", json!({"ref": "nobody"})).await;
        assert_eq!(text(&r), f.fails(1, &["show", "nobody"]).trim_end());
        // Arguments that are not the tool's input.
        let r = call(&client, "list_records", json!({"type": "people"})).await;
        assert_eq!(r.is_error, Some(true));
        assert!(text(&r).starts_with("list_records: the arguments are not its input: \"people\" is not a record type (customer, customers,"), "{}", text(&r));
        let r = call(&client, "move_stage", json!({"ref": "toko"})).await;
        assert_eq!(text(&r), "move_stage: the arguments are not its input: missing field `stage`");
        let r = call(&client, "set_fields", json!({"ref": "toko", "set": {"city": null}})).await;
        assert_eq!(text(&r), "field `city`: null is not a value (remove a field with `unset`)");
        // A value that looks like a flag is a value.
        let r = call(&client, "set_fields", json!({"ref": "toko", "set": {"notes": "--force"}})).await;
        assert_eq!(r.is_error, Some(false), "{}", text(&r));
        assert!(f.read("customers/toko.yaml").contains("notes: --force\n"));
        // An unknown tool is a protocol error.
        let err = client
            .call_tool(CallToolRequestParams::new("rm_everything"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("no tool is named \"rm_everything\""), "{err}");
        // Still serving.
        let r = call(&client, "list_records", json!({"type": "deal"})).await;
        assert_eq!(text(&r), "1 deal");
        client.cancel().await.unwrap();
    });
}

/// `--read-only` (or `[mcp] read_only = true`): the write tools are not listed, and
/// refused when called; nothing is written.
#[test]
fn read_only_serves_no_write_tool() {
    let f = folder();
    let before = f.snapshot();
    for (args, toml) in [(&["--read-only"][..], false), (&[][..], true)] {
        if toml {
            let text = f
                .read("crm.toml")
                .replace("read_only = false", "read_only = true");
            f.write("crm.toml", &text);
        }
        runtime().block_on(async {
            let client = connect(&f, args).await;
            let tools = client.list_all_tools().await.unwrap();
            let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
            assert_eq!(
                names,
                ["list_records", "show_record", "timeline", "agenda", "report", "sql"]
            );
            let r = call(&client, "move_stage", json!({"ref": "kopi", "stage": "customer"})).await;
            assert_eq!(r.is_error, Some(true));
            assert_eq!(
                text(&r),
                "move_stage writes, and this server is read-only (`crm mcp --read-only` or crm.toml's [mcp] read_only = true)"
            );
            client.cancel().await.unwrap();
        });
    }
    let after: Vec<_> = f
        .snapshot()
        .into_iter()
        .filter(|(p, _)| p != "crm.toml")
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| p != "crm.toml")
        .collect();
    assert_eq!(after, before);
}

/// `crm mcp` with its stdin and stdout as pipes, for lines the SDK's client never sends.
fn raw_server(
    f: &Folder,
) -> (
    std::process::Child,
    std::process::ChildStdin,
    std::io::BufReader<std::process::ChildStdout>,
) {
    let mut child = f
        .process()
        .arg("mcp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let input = child.stdin.take().unwrap();
    let output = std::io::BufReader::new(child.stdout.take().unwrap());
    (child, input, output)
}

/// What the SDK's client cannot send: a line that is not JSON gets JSON-RPC's Parse
/// error, an unknown method Method not found, and the server answers what follows.
#[test]
fn malformed_requests_get_json_rpc_errors() {
    use std::io::{BufRead, Write};
    let f = folder();
    let (mut child, mut input, mut output) = raw_server(&f);
    let mut exchange = |line: &str| -> Value {
        // A notification first, when given one (it gets no reply).
        for l in line.lines() {
            writeln!(input, "{l}").unwrap();
        }
        input.flush().unwrap();
        let mut reply = String::new();
        output.read_line(&mut reply).unwrap();
        serde_json::from_str(&reply).unwrap()
    };
    let init = exchange(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#,
    );
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
    assert_eq!(init["result"]["serverInfo"]["name"], "crm");
    let bad = exchange("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n{not json");
    assert_eq!(
        bad,
        json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "Parse error: key must be a string at line 1 column 2"}})
    );
    let unknown = exchange(r#"{"jsonrpc":"2.0","id":2,"method":"crm/explode"}"#);
    assert_eq!(unknown["id"], 2);
    assert_eq!(unknown["error"]["code"], -32601);
    let listed = exchange(
        r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_records","arguments":{"type":"customers","fields":["id"]}}}"#,
    );
    assert_eq!(
        listed["result"]["structuredContent"]["records"],
        json!([{"id": "kopi"}, {"id": "toko"}])
    );
    drop(input);
    assert!(child.wait().unwrap().success());
}

/// Hostile input on stdin: random bytes, JSON of every wrong shape, random tool calls
/// with random arguments, a line longer than the limit. The server answers what it can
/// and is still serving at the end.
#[test]
fn garbage_on_stdin_never_stops_the_server() {
    use std::io::{BufRead, Write};
    let f = folder();
    let (mut child, mut input, replies) = raw_server(&f);
    // Read on a thread, so that a reply the test does not wait for never blocks the server.
    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    let reader = std::thread::spawn(move || {
        for line in replies.lines().map_while(Result::ok) {
            let v: Value = serde_json::from_str(&line).expect("every reply is JSON");
            if tx.send(v).is_err() {
                break;
            }
        }
    });
    writeln!(input, r#"{{"jsonrpc":"2.0","id":0,"method":"initialize","params":{{"protocolVersion":"2025-06-18","capabilities":{{}},"clientInfo":{{"name":"fuzz","version":"0"}}}}}}"#).unwrap();
    writeln!(
        input,
        r#"{{"jsonrpc":"2.0","method":"notifications/initialized"}}"#
    )
    .unwrap();
    let mut rng = fastrand::Rng::with_seed(20261203);
    let tools: Vec<&str> = TOOLS.iter().copied().chain(["nope"]).collect();
    let words = [
        "type", "ref", "where", "set", "unset", "fields", "name", "customer", "stage", "query",
        "summary", "channel",
    ];
    let random_value = |rng: &mut fastrand::Rng| -> Value {
        match rng.u8(..6) {
            0 => Value::Null,
            1 => json!(rng.i64(..)),
            2 => json!(rng.bool()),
            3 => json!(["customers", "toko", "--x", ""][rng.usize(..4)]),
            4 => json!([rng.u8(..), "a,b", null]),
            _ => {
                let key = words[rng.usize(..words.len())];
                json!({key: rng.u32(..)})
            }
        }
    };
    for i in 0..300 {
        let line = match rng.u8(..5) {
            0 => (0..rng.usize(1..200))
                .map(|_| char::from(rng.u8(32..127)))
                .collect::<String>(),
            1 => [
                "[]",
                "42",
                "\"x\"",
                "null",
                "{}",
                "[{\"jsonrpc\":\"2.0\"}]",
                "{\"jsonrpc\":\"1.0\",\"id\":1}",
            ][rng.usize(..7)]
            .to_string(),
            2 => {
                let method =
                    ["tools/list", "resources/list", "ping", "x/y", "tools/call"][rng.usize(..5)];
                json!({"jsonrpc": "2.0", "id": 1000 + i, "method": method, "params": random_value(&mut rng)}).to_string()
            }
            _ => {
                let mut args = serde_json::Map::new();
                for _ in 0..rng.usize(..4) {
                    args.insert(
                        words[rng.usize(..words.len())].into(),
                        random_value(&mut rng),
                    );
                }
                let tool = tools[rng.usize(..tools.len())];
                json!({"jsonrpc": "2.0", "id": 1000 + i, "method": "tools/call", "params": {"name": tool, "arguments": args}}).to_string()
            }
        };
        writeln!(input, "{line}").unwrap();
    }
    // Longer than the 16 MiB a message may be.
    let long = vec![b'a'; (16 << 20) + 10];
    input.write_all(&long).unwrap();
    input.write_all(b"\n").unwrap();
    writeln!(input, r#"{{"jsonrpc":"2.0","id":"last","method":"tools/call","params":{{"name":"list_records","arguments":{{"type":"customers","fields":["id"]}}}}}}"#).unwrap();
    input.flush().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let (mut parse_errors, mut too_long) = (0, false);
    let last = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let v = rx.recv_timeout(left).expect("the server stopped answering");
        if v["error"]["code"] == -32700 {
            parse_errors += 1;
            too_long |= v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("longer than 16777216 bytes");
        }
        if v["id"] == "last" {
            break v;
        }
    };
    assert!(too_long && parse_errors > 1, "{parse_errors} parse errors");
    assert_eq!(
        last["result"]["structuredContent"]["records"],
        json!([{"id": "kopi"}, {"id": "toko"}])
    );
    drop(input);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
}
