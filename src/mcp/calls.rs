//! Running one tool: its input read into its type, the crm command it stands for run,
//! and the command's JSON returned, or its message when it fails.

use std::process::{Command, Stdio};

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use super::tools::{self, flag, TypeName};
use super::Setup;
use crm::model::RecordType;

/// A call that worked: the structured result and a line saying what it is.
pub struct Done {
    pub structured: Value,
    pub text: String,
}

/// Runs tool `name` on `arguments`; `Err` is the message the caller is shown (the
/// command's own, or why the arguments are not the tool's).
pub fn call(setup: &Setup, name: &str, arguments: Map<String, Value>) -> Result<Done, String> {
    let args = Value::Object(arguments);
    match name {
        "list_records" => list(setup, input(name, args)?),
        "show_record" => show(setup, &input::<tools::ShowRecord>(name, args)?.reference),
        "timeline" => timeline(setup, input(name, args)?),
        "agenda" => agenda(setup, input(name, args)?),
        "report" => report(setup, input(name, args)?),
        "sql" => sql(setup, input(name, args)?),
        "add_record" => add(setup, input(name, args)?),
        "log_interaction" => log(setup, input(name, args)?),
        "set_fields" => set(setup, input(name, args)?),
        "move_stage" => stage(setup, input(name, args)?),
        _ => Err(format!("no tool is named {name:?}")),
    }
}

fn input<T: DeserializeOwned>(tool: &str, args: Value) -> Result<T, String> {
    serde_json::from_value(args)
        .map_err(|e| format!("{tool}: the arguments are not its input: {e}"))
}

/// What crm printed, once it has exited 0; its message (stderr) otherwise.
fn crm(setup: &Setup, args: &[String]) -> Result<String, String> {
    let mut cmd = Command::new(&setup.exe);
    cmd.arg("-C").arg(&setup.root).arg("--color=never");
    // The server's as-of day (`crm --as-of D mcp`, CRM_TODAY), unless the call names one.
    if let Some(today) = setup.pins.today {
        if !args.iter().any(|a| a.starts_with("--as-of=")) {
            cmd.arg(format!("--as-of={today}"));
        }
    }
    let out = cmd
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", setup.exe.display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else if stderr.is_empty() {
        let command = args
            .iter()
            .find(|a| !a.starts_with('-'))
            .map_or("", String::as_str);
        Err(format!("crm {command} failed ({})", out.status))
    } else {
        Err(stderr)
    }
}

/// The JSON crm printed.
fn parsed(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("crm printed what is not JSON: {e}"))
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn list(setup: &Setup, a: tools::ListRecords) -> Result<Done, String> {
    let mut args = vec![
        "list".into(),
        a.ty.0.plural().to_string(),
        "--format=json".into(),
    ];
    flag(&mut args, "where", a.query.as_ref());
    flag(&mut args, "sort", a.sort.as_ref());
    flag(&mut args, "fields", a.fields.map(|f| f.join(",")).as_ref());
    flag(&mut args, "limit", a.limit.map(|n| n.to_string()).as_ref());
    let mut done = rows(setup, &args, "records", a.ty.0.singular(), a.ty.0.plural())?;
    done.structured["type"] = a.ty.0.plural().into();
    Ok(done)
}

/// The record, read here: its id, type, path and fields.
fn show(setup: &Setup, reference: &str) -> Result<Done, String> {
    let store = crm::store::Store::open(&setup.root, setup.pins).map_err(|e| e.to_string())?;
    let found = store
        .resolve(reference, &RecordType::ALL)
        .map_err(|e| format!("error: {e}"))?;
    let r = &found.record;
    Ok(Done {
        text: format!("{} {} ({})", r.ty, r.id, found.path.display()),
        structured: json!({
            "type": r.ty.singular(),
            "id": r.id,
            "path": found.path.display().to_string(),
            "record": crm::render::record_json(r),
        }),
    })
}

/// A command whose JSON is a list: `{KEY: [...], "count": N}`, and "N items".
fn rows(setup: &Setup, args: &[String], key: &str, one: &str, many: &str) -> Result<Done, String> {
    let rows = parsed(&crm(setup, args)?)?;
    let n = rows.as_array().map_or(0, Vec::len);
    Ok(Done {
        text: count(n, one, many),
        structured: json!({"count": n, key: rows}),
    })
}

fn timeline(setup: &Setup, a: tools::Timeline) -> Result<Done, String> {
    let mut args = vec!["timeline".to_string(), "--format=json".into()];
    flag(&mut args, "since", a.since.as_ref());
    args.extend(["--".into(), a.customer]);
    rows(setup, &args, "entries", "entry", "entries")
}

fn agenda(setup: &Setup, a: tools::Agenda) -> Result<Done, String> {
    let mut args = vec!["agenda".to_string(), "--format=json".into()];
    flag(&mut args, "owner", a.owner.as_ref());
    rows(setup, &args, "items", "item", "items")
}

fn report(setup: &Setup, a: tools::Report) -> Result<Done, String> {
    let mut args = Vec::new();
    flag(&mut args, "as-of", a.as_of.as_ref());
    args.extend(["report".to_string(), a.name.name(), "--format=json".into()]);
    flag(&mut args, "since", a.since.as_ref());
    flag(&mut args, "until", a.until.as_ref());
    flag(&mut args, "where", a.query.as_ref());
    let report = parsed(&crm(setup, &args)?)?;
    Ok(Done {
        text: format!("the {} report", a.name.name()),
        structured: report,
    })
}

fn sql(setup: &Setup, a: tools::Sql) -> Result<Done, String> {
    let args = vec![
        "sql".to_string(),
        "--format=json".into(),
        "--".into(),
        a.query,
    ];
    rows(setup, &args, "rows", "row", "rows")
}

/// A write's result: the record as it now is, by the id the command printed or was given.
fn written(setup: &Setup, id: &str, what: &str) -> Result<Done, String> {
    let mut done = show(setup, id)?;
    done.text = format!("{what} {}", done.text);
    Ok(done)
}

fn add(setup: &Setup, a: tools::AddRecord) -> Result<Done, String> {
    let TypeName(ty) = a.ty;
    if ty == RecordType::Interaction {
        return Err("interactions are logged with `log_interaction`".into());
    }
    let mut args = vec!["add".to_string(), ty.singular().to_string()];
    args.extend(
        tools::assignments(&a.fields)?
            .into_iter()
            .map(|s| format!("--set={s}")),
    );
    let id = crm(setup, &args)?.trim().to_string();
    written(setup, &format!("{}/{id}", ty.singular()), "added")
}

fn log(setup: &Setup, a: tools::LogInteraction) -> Result<Done, String> {
    let mut args = vec!["log".to_string(), format!("--channel={}", a.channel)];
    flag(&mut args, "direction", a.direction.as_ref());
    flag(&mut args, "at", a.at.as_ref());
    flag(&mut args, "deal", a.deal.as_ref());
    flag(&mut args, "ticket", a.ticket.as_ref());
    flag(&mut args, "campaign", a.campaign.as_ref());
    flag(&mut args, "next", a.next.as_ref());
    args.extend(["--".into(), a.customer, a.summary]);
    let id = crm(setup, &args)?.trim().to_string();
    written(setup, &format!("interaction/{id}"), "logged")
}

fn set(setup: &Setup, a: tools::SetFields) -> Result<Done, String> {
    if a.set.is_empty() && a.unset.is_empty() {
        return Err("set_fields: nothing to set or unset".into());
    }
    // The record's own id first, so both commands name the same record.
    let id = {
        let found = show(setup, &a.reference)?;
        format!(
            "{}/{}",
            found.structured["type"].as_str().unwrap_or_default(),
            found.structured["id"].as_str().unwrap_or_default()
        )
    };
    if !a.set.is_empty() {
        let mut args = vec!["set".to_string(), "--".into(), id.clone()];
        args.extend(tools::assignments(&a.set)?);
        crm(setup, &args)?;
    }
    if !a.unset.is_empty() {
        let mut args = vec!["unset".to_string(), "--".into(), id.clone()];
        args.extend(a.unset);
        crm(setup, &args)?;
    }
    written(setup, &id, "changed")
}

fn stage(setup: &Setup, a: tools::MoveStage) -> Result<Done, String> {
    let args = vec![
        "stage".to_string(),
        "--".into(),
        a.reference.clone(),
        a.stage,
    ];
    crm(setup, &args)?;
    written(setup, &a.reference, "moved")
}
