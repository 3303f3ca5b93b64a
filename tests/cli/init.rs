use crate::common;

use common::Folder;

#[test]
fn init_lays_out_the_folder() {
    let f = Folder::empty();
    f.crm().args(["init", "acme"]).assert().success().stdout("");
    let root = f.path("acme");
    for d in [
        "customers",
        "deals",
        "tickets",
        "campaigns",
        "interactions",
        "schema",
    ] {
        assert!(root.join(d).is_dir(), "{d}");
    }
    assert_eq!(
        std::fs::read_to_string(root.join(".gitattributes")).unwrap(),
        "# Records merge field by field through `crm merge-driver` (`crm git-setup` registers it).\ncustomers/** merge=crm\ndeals/** merge=crm\ntickets/** merge=crm\ncampaigns/** merge=crm\ninteractions/** merge=crm\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        "# crm's local cache, never shared.\n.crm/\n"
    );
    let toml = std::fs::read_to_string(root.join("crm.toml")).unwrap();
    assert!(toml.contains("name = \"acme\"\n"));
    // Every default is written out, each with a comment.
    for line in [
        "currency = \"USD\"",
        "timezone = \"UTC\"",
        "at_risk_days = 60",
        "stale_days = 30",
        "name = \"disqualified\"",
        "name = \"negotiation\"\nprobability = 75",
        "name = \"won\"\nprobability = 100\nwon = true",
        "urgent = { first_response_hours = 1, resolution_hours = 8 }",
        "low = { first_response_hours = 24, resolution_hours = 168 }",
    ] {
        assert!(toml.contains(line), "crm.toml lacks {line:?}");
    }
    assert!(toml.lines().filter(|l| l.starts_with('#')).count() >= 20);
}

#[test]
fn init_refuses_an_existing_folder_and_touches_nothing() {
    let f = Folder::new();
    f.write("crm.toml", "name = \"mine\"\n");
    std::fs::remove_file(f.path(".gitignore")).unwrap();
    let before = f.snapshot();
    let err = f.fails(1, &["init"]);
    assert!(err.contains("crm.toml already exists"), "{err}");
    assert_eq!(f.snapshot(), before);
    assert!(!f.path(".gitignore").exists());
}

#[test]
fn init_adds_to_an_existing_gitignore() {
    let f = Folder::empty();
    f.write(".gitignore", "node_modules/");
    f.ok(&["init"]);
    assert_eq!(f.read(".gitignore"), "node_modules/\n.crm/\n");
}

#[test]
fn an_empty_crm_toml_works() {
    let f = Folder::empty();
    f.write("crm.toml", "");
    let id = f.add(&["customer", "--name", "A", "--id", "a"]);
    assert_eq!(id, "a");
    assert_eq!(
        f.record("customers/a.yaml"),
        "name: A\nstage: lead\nhistory:\n- stage: lead\n  at: 2026-11-22T00:00:00+00:00\ncreated: 2026-11-22\n"
    );
}

#[test]
fn a_bad_setting_names_key_and_line() {
    let f = Folder::empty();
    f.write(
        "crm.toml",
        "name = \"x\"\n\n[[pipeline]]\nname = \"new\"\nprobability = 500\n",
    );
    let err = f.fails(1, &["add", "customer", "--name", "A"]);
    assert!(err.contains("crm.toml"), "{err}");
    assert!(err.contains("line 5"), "{err}");
    assert!(err.contains("probability = 500"), "{err}");
    assert!(
        err.contains("500 is not a percentage from 0 to 100"),
        "{err}"
    );
}

#[test]
fn outside_a_folder_is_an_error() {
    let f = Folder::empty();
    let err = f.fails(1, &["show", "x"]);
    assert!(err.contains("not inside a crm folder"), "{err}");
}
