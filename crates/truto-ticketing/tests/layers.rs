//! The core's modules form layers, each using only the ones below it (ARCHITECTURE.md):
//! `bulk` uses `users`, `users` uses `transport`, `transport` uses `client`, and all of
//! them the ground (models, errors, query encoding, retries, pacing, ...). A `crate::`
//! path pointing up a layer is an import circle in the making: this test names it.

use std::collections::BTreeMap;
use std::path::Path;

/// Each top-level module and its layer; a module may use its own layer and those below.
const LAYERS: &[(&str, u8)] = &[
    ("models", 0),
    ("error", 0),
    ("decode", 0),
    ("query", 0),
    ("retry", 0),
    ("pacing", 0),
    ("secret", 0),
    ("tls", 0),
    ("stream", 0),
    ("runtime", 0),
    ("logging", 0),
    ("client", 1),
    ("transport", 2),
    ("users", 3),
    ("bulk", 4),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, layer)| *layer)
}

/// `crate::<module>` references in `text`.
fn references(text: &str) -> Vec<String> {
    text.match_indices("crate::")
        .map(|(at, _)| {
            text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

fn sources(folder: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, into);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            into.push(path);
        }
    }
}

#[test]
fn every_module_uses_only_its_own_layer_and_those_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut upward: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" {
            continue;
        }
        let own = layer(&module)
            .unwrap_or_else(|| panic!("src/{module}: a module with no layer; add it to LAYERS"));
        let text = std::fs::read_to_string(&file).unwrap();
        for used in references(&text) {
            if let Some(theirs) = layer(&used)
                && theirs > own
            {
                upward
                    .entry(relative.display().to_string())
                    .or_default()
                    .push(used);
            }
        }
    }
    assert!(
        upward.is_empty(),
        "modules using a layer above their own: {upward:?}"
    );
}

#[test]
fn the_check_sees_an_upward_use() {
    assert_eq!(references("use crate::bulk::Attempts;"), ["bulk"]);
    assert!(layer("bulk") > layer("transport"));
}
