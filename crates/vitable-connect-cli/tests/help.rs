//! The `--help` of every command, in one snapshot: a change of `openapi.yaml` shows here as a
//! reviewable diff, as it does in the SDK's surface snapshots.

fn walk(cmd: &mut clap::Command, path: &str, out: &mut String) {
    let name = if path.is_empty() { cmd.get_name().to_owned() } else { format!("{path} {}", cmd.get_name()) };
    out.push_str(&format!("===== {name} --help =====\n"));
    out.push_str(&cmd.render_long_help().to_string());
    out.push('\n');
    let names: Vec<String> =
        cmd.get_subcommands().map(|c| c.get_name().to_owned()).filter(|n| n != "help").collect();
    for sub in names {
        let sub = cmd.find_subcommand_mut(&sub).expect("listed");
        walk(sub, &name, out);
    }
}

#[test]
fn help_of_every_command() {
    let mut root = vitable_connect_cli::command().term_width(100);
    root.build();
    let mut out = String::new();
    walk(&mut root, "", &mut out);
    insta::assert_snapshot!("help_tree", out);
}
