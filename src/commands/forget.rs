use anyhow::Result;
use crm::model::RecordType;
use crm::ops::forget::{apply, plan};
use crm::ops::git::shell_word;

use super::Ctx;

/// Erase a customer's personal data (a request to be forgotten).
///
/// Removes the personal fields (README, "Customers' rights") of the customer and of its
/// deals, tickets and interactions, and keeps what reports need: stages, history,
/// amounts, timings, ratings, campaigns. The name becomes `erased ID`; the customer gets
/// `erased` (today) and `preferences.do_not_contact: true`, and is left out of campaign
/// audiences, ingests and dedupe from then on. Prints each file it changes, removes the
/// caches under .crm/ that held the old text, and says on stderr how to remove it from
/// git's history.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The customer (id, prefix, e-mail or phone)
    #[arg(add = crate::complete::customers())]
    pub customer: String,
    /// Print the files it would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let customer = store.resolve(&args.customer, &[RecordType::Customer])?;
    let id = customer.record.id.clone();
    let files = if args.dry_run {
        plan(store, customer).paths()
    } else {
        store.locked(|| apply(store, &plan(store, customer)))?
    };
    for f in &files {
        println!("{}", f.display());
    }
    let n = files.len();
    let s = if n == 1 { "" } else { "s" };
    if !args.dry_run && n > 0 {
        // The caches under .crm/ hold the records as they were: gone, built again on
        // the next read.
        for ty in crm::ops::forget::REWRITES {
            crm::store::cache::discard(&store.root, ty);
        }
        crm::sql::db::discard(&store.root);
    }
    if args.dry_run {
        ctx.ui
            .info(&format!("would erase customer {id}: {n} file{s} to change"));
        return Ok(());
    }
    ctx.ui.info(&if n == 0 {
        format!("customer {id} holds no personal data; nothing to change")
    } else {
        format!("erased customer {id}: {n} file{s} changed")
    });
    // Only where a commit holds an old version: a folder outside git, or files never
    // committed, have nothing to remove.
    if n > 0 && crm::ops::git::in_history(&store.root, &files) {
        let prefix = crm::ops::git::prefix(&store.root).unwrap_or_default();
        ctx.ui.warn(&history_notice(&id, &prefix, &files));
    }
    Ok(())
}

/// What git still holds, and the commands that remove it: the current files kept
/// aside, every commit rewritten without them (`git filter-repo`), the files put back.
fn history_notice(id: &str, prefix: &str, files: &[std::path::PathBuf]) -> String {
    let paths: Vec<String> = files
        .iter()
        .map(|f| shell_word(&format!("{prefix}{}", f.display())))
        .collect();
    let list = paths.join(" ");
    let filter: String = paths.iter().map(|p| format!(" --path {p}")).collect();
    format!(
        "git's history still holds what these files said before. To remove it, commit this change, then, from the repository's top folder (this rewrites every commit: each clone must be made again):\n  \
         tar -cf ../crm-forget.tar {list}\n  \
         git filter-repo --invert-paths{filter}\n  \
         tar -xf ../crm-forget.tar && git add {list} && git commit -m {}",
        shell_word(&format!("crm forget {id}"))
    )
}
