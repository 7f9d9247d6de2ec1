//! `uniffi-bindgen kotlin`: UniFFI's Kotlin bindings, with its error classes made unchecked
//! for Java, and the JVM forms of `jvm.rs` beside them.

use anyhow::{Context, Result, bail};
use camino::{Utf8Path, Utf8PathBuf};
use uniffi::{GenerateOptions, TargetLanguage};
use uniffi_bindgen::{BindgenLoader, BindgenPaths, GlobalConfig};

use crate::jvm;

/// UniFFI's error classes extend `kotlin.Exception`: a checked exception to Java, which
/// then can neither call a method declaring it without `try` nor catch it from one that
/// does not. Extending `RuntimeException` instead changes nothing for Kotlin.
const CHECKED_BASE: &str = ": kotlin.Exception(";
const UNCHECKED_BASE: &str = ": kotlin.RuntimeException(";

pub fn generate(library: &Utf8Path, out_dir: &Utf8Path) -> Result<()> {
    uniffi::generate(GenerateOptions {
        languages: vec![TargetLanguage::Kotlin],
        source: library.to_owned(),
        out_dir: out_dir.to_owned(),
        config_override: None,
        format: false,
        crate_filter: None,
        metadata_no_deps: false,
    })?;

    let mut paths = BindgenPaths::default();
    paths.add_cargo_metadata_layer(false)?;
    let loader = BindgenLoader::new(paths, GlobalConfig::default());
    let cis = loader.load_cis(loader.load_metadata(library)?)?;
    // The Kotlin package, from uniffi.toml as UniFFI reads it (default `uniffi.<namespace>`).
    let components = loader.load_components(cis, |ci, toml| {
        Ok(toml
            .get("bindings")
            .and_then(|bindings| bindings.get("kotlin"))
            .and_then(|kotlin| kotlin.get("package_name"))
            .and_then(|name| name.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("uniffi.{}", ci.namespace())))
    })?;
    for component in components {
        let package = component.config;
        let folder: Utf8PathBuf = out_dir.join(package.replace('.', "/"));
        let bindings = folder.join(format!("{}.kt", component.ci.namespace()));
        make_errors_unchecked(&bindings)?;
        let extras = jvm::generate(&component.ci, &package)
            .with_context(|| format!("the JVM forms of {}", component.ci.crate_name()))?;
        let extras_path = folder.join(format!("{}_jvm.kt", component.ci.namespace()));
        std::fs::write(&extras_path, extras).with_context(|| format!("writing {extras_path}"))?;
    }
    Ok(())
}

fn make_errors_unchecked(bindings: &Utf8Path) -> Result<()> {
    let source =
        std::fs::read_to_string(bindings).with_context(|| format!("reading {bindings}"))?;
    let mut patched = String::with_capacity(source.len());
    let mut changed = 0;
    for line in source.split_inclusive('\n') {
        if line.starts_with("sealed class ") && line.contains(CHECKED_BASE) {
            patched.push_str(&line.replacen(CHECKED_BASE, UNCHECKED_BASE, 1));
            changed += 1;
        } else {
            patched.push_str(line);
        }
    }
    if changed == 0 && source.contains("kotlin.Exception") {
        bail!(
            "{bindings}: no `sealed class ...{CHECKED_BASE}` line to make unchecked; \
             UniFFI's error template changed"
        );
    }
    std::fs::write(bindings, patched).with_context(|| format!("writing {bindings}"))?;
    Ok(())
}
