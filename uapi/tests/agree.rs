//! The three descriptions of the vgpu netlink ABI must agree: the YNL spec
//! (`vgpu.yaml`), the C header (`include/vgpu.h`) and the Rust constants
//! (`src/netlink.rs`). Each check names the item that differs.

use std::collections::BTreeMap;
use vgpu_uapi::netlink::{self, attr, cmd};

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml() -> serde_yaml::Value {
    let text = std::fs::read_to_string(root().join("vgpu.yaml")).expect("read vgpu.yaml");
    serde_yaml::from_str(&text).expect("vgpu.yaml is not valid YAML")
}

/// `NAME = value` pairs of the C header's enums and `#define`s.
fn header() -> BTreeMap<String, u128> {
    let text = std::fs::read_to_string(root().join("include/vgpu.h")).expect("read vgpu.h");
    let mut out = BTreeMap::new();
    let def = regex::Regex::new(r"(?m)^#define\s+(VGPU_\w+)\s+(0x[0-9a-fA-F]+|\d+)U?L*\s*$").unwrap();
    let en = regex::Regex::new(r"(?m)^\s*(VGPU_\w+)\s*=\s*(0x[0-9a-fA-F]+|\d+)\s*,").unwrap();
    let strdef = regex::Regex::new(r#"(?m)^#define\s+(VGPU_\w+)\s+"([^"]*)""#).unwrap();
    for re in [&def, &en] {
        for c in re.captures_iter(&text) {
            let v = &c[2];
            let n = if let Some(h) = v.strip_prefix("0x") {
                u128::from_str_radix(h, 16).unwrap()
            } else {
                v.parse().unwrap()
            };
            out.insert(c[1].to_string(), n);
        }
    }
    for c in strdef.captures_iter(&text) {
        // Strings are compared through a separate map; mark them present.
        out.insert(format!("{}$str={}", &c[1], &c[2]), 0);
    }
    out
}

fn c_name(prefix: &str, ynl: &str) -> String {
    format!("{prefix}{}", ynl.replace('-', "_").to_uppercase())
}

fn as_u128(v: &serde_yaml::Value) -> u128 {
    v.as_u64().map(u128::from).unwrap_or_else(|| panic!("not an integer: {v:?}"))
}

#[test]
fn family_identity_agrees() {
    let y = yaml();
    assert_eq!(y["name"].as_str(), Some(netlink::FAMILY_NAME));
    let h = header();
    assert!(h.contains_key(&format!("VGPU_FAMILY_NAME$str={}", netlink::FAMILY_NAME)));
    assert!(h.contains_key(&format!("VGPU_MCGRP_EVENTS$str={}", netlink::MCGRP_EVENTS)));
    assert_eq!(h["VGPU_FAMILY_VERSION"], netlink::FAMILY_VERSION as u128);
    let groups: Vec<&str> = y["mcast-groups"]["list"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(groups, vec![netlink::MCGRP_EVENTS]);
}

#[test]
fn constants_agree() {
    let y = yaml();
    let h = header();
    let rust: BTreeMap<&str, u128> = [
        ("abi-version", netlink::ABI_VERSION as u128),
        ("gpu-all", netlink::GPU_ALL as u128),
        ("limit-max", netlink::LIMIT_MAX as u128),
        ("compute-weight-min", netlink::COMPUTE_WEIGHT_MIN as u128),
        ("compute-weight-max", netlink::COMPUTE_WEIGHT_MAX as u128),
        ("compute-weight-default", netlink::COMPUTE_WEIGHT_DEFAULT as u128),
        ("compute-period-default-us", netlink::COMPUTE_PERIOD_DEFAULT_US as u128),
        ("compute-period-min-us", netlink::COMPUTE_PERIOD_MIN_US as u128),
        ("compute-period-max-us", netlink::COMPUTE_PERIOD_MAX_US as u128),
    ]
    .into_iter()
    .collect();
    let defs = y["definitions"].as_sequence().unwrap();
    assert_eq!(defs.len(), rust.len(), "YNL definitions and Rust constants differ in number");
    for d in defs {
        let name = d["name"].as_str().unwrap();
        let want = *rust.get(name).unwrap_or_else(|| panic!("YNL const {name} has no Rust twin"));
        assert_eq!(as_u128(&d["value"]), want, "YNL const {name}");
        let cn = c_name("VGPU_", name);
        assert_eq!(h.get(&cn).copied(), Some(want), "C header {cn}");
    }
    assert_eq!(h["VGPU_GPU_MINOR_MAX"], netlink::GPU_MINOR_MAX as u128);
}

#[test]
fn attributes_agree() {
    let y = yaml();
    let h = header();
    let sets = y["attribute-sets"].as_sequence().unwrap();
    assert_eq!(sets.len(), 1);
    let attrs = sets[0]["attributes"].as_sequence().unwrap();
    assert_eq!(attrs.len(), attr::ALL.len(), "number of attributes");
    for (a, (name, value, ty)) in attrs.iter().zip(attr::ALL) {
        assert_eq!(a["name"].as_str(), Some(*name), "attribute order/name");
        assert_eq!(as_u128(&a["value"]), *value as u128, "YNL value of {name}");
        assert_eq!(a["type"].as_str(), Some(*ty), "YNL type of {name}");
        let cn = c_name("VGPU_A_", name);
        assert_eq!(h.get(&cn).copied(), Some(*value as u128), "C header {cn}");
    }
    // The header derives VGPU_A_MAX from the last enumerator; no other
    // attribute may exist there.
    let c_attrs: Vec<_> = h.iter().filter(|(k, _)| k.starts_with("VGPU_A_")).collect();
    assert_eq!(c_attrs.len(), attr::ALL.len(), "C header declares other attributes: {c_attrs:?}");
    assert_eq!(c_attrs.iter().map(|(_, v)| **v).max(), Some(attr::MAX as u128));
}

#[test]
fn commands_agree() {
    let y = yaml();
    let h = header();
    let ops = y["operations"]["list"].as_sequence().unwrap();
    assert_eq!(ops.len(), cmd::ALL.len(), "number of operations");
    for (o, (name, value)) in ops.iter().zip(cmd::ALL) {
        assert_eq!(o["name"].as_str(), Some(*name));
        assert_eq!(as_u128(&o["value"]), *value as u128, "YNL value of {name}");
        let cn = c_name("VGPU_CMD_", name);
        assert_eq!(h.get(&cn).copied(), Some(*value as u128), "C header {cn}");
    }
}

#[test]
fn operations_only_use_declared_attributes() {
    let y = yaml();
    let names: Vec<&str> = attr::ALL.iter().map(|a| a.0).collect();
    let text = serde_yaml::to_string(&y["operations"]).unwrap();
    // Every attribute list entry under operations must be a declared name.
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(item) = t.strip_prefix("- ") {
            let item = item.trim();
            if !item.contains(':') {
                assert!(names.contains(&item), "operation uses undeclared attribute {item}");
            }
        }
    }
}

#[test]
fn version_matches_crate() {
    assert_eq!(vgpu_uapi::VERSION, env!("CARGO_PKG_VERSION"));
}
