//! CPU and memory amounts: exact integers in the model, Kubernetes quantity strings on the wire.

use std::fmt;

/// CPU in millicores (`250m`, `1` = `1000m`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Cpu(pub u32);

/// Memory in mebibytes (`512Mi`, `1Gi` = `1024Mi`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Memory(pub u32);

impl Cpu {
    /// Millicores.
    pub const fn millis(self) -> u32 {
        self.0
    }
    /// Parses `100m`, `1`, `0.5`, `1500m`.
    pub fn parse(s: &str) -> Result<Self, String> {
        parse_cpu_millis(s)
            .and_then(|m| u32::try_from(m).ok())
            .map(Cpu)
            .ok_or_else(|| format!("`{s}` is not a CPU quantity (expected e.g. `100m` or `1`)"))
    }
}

impl Memory {
    /// Mebibytes.
    pub const fn mebibytes(self) -> u32 {
        self.0
    }
    /// Parses `128Mi`, `1Gi` (binary suffixes only: the standard's sizes are binary).
    pub fn parse(s: &str) -> Result<Self, String> {
        let err = || format!("`{s}` is not a memory quantity in Mi or Gi (expected e.g. `512Mi` or `1Gi`)");
        let (num, mult) = if let Some(n) = s.strip_suffix("Gi") {
            (n, 1024)
        } else if let Some(n) = s.strip_suffix("Mi") {
            (n, 1)
        } else {
            return Err(err());
        };
        let n: u32 = num.parse().map_err(|_| err())?;
        n.checked_mul(mult).map(Memory).ok_or_else(err)
    }
}

impl fmt::Display for Cpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m", self.0)
    }
}

impl fmt::Display for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(1024) && self.0 > 0 {
            write!(f, "{}Gi", self.0 / 1024)
        } else {
            write!(f, "{}Mi", self.0)
        }
    }
}

/// Millicores of any Kubernetes CPU quantity (`100m`, `0.5`, `2`, `1e3m` is not supported).
pub fn parse_cpu_millis(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Some(m) = s.strip_suffix('m') {
        return m.parse::<u64>().ok();
    }
    parse_decimal_scaled(s, 1000)
}

/// Bytes of any Kubernetes memory quantity (`128Mi`, `1G`, `1.5Gi`, `1000`).
pub fn parse_memory_bytes(s: &str) -> Option<u64> {
    const SUFFIXES: [(&str, u64); 12] = [
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("Pi", 1 << 50),
        ("Ei", 1 << 60),
        ("k", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
        ("P", 1_000_000_000_000_000),
        ("E", 1_000_000_000_000_000_000),
    ];
    let s = s.trim();
    for (suffix, mult) in SUFFIXES {
        if let Some(n) = s.strip_suffix(suffix) {
            return parse_decimal_scaled(n, mult);
        }
    }
    if let Some(m) = s.strip_suffix('m') {
        // milli-bytes: legal but odd; round down.
        return m.parse::<u64>().ok().map(|v| v / 1000);
    }
    parse_decimal_scaled(s, 1)
}

fn parse_decimal_scaled(s: &str, mult: u64) -> Option<u64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let whole = int.checked_mul(mult)?;
    if frac.is_empty() {
        return Some(whole);
    }
    let digits: u32 = frac.len().try_into().ok()?;
    let frac_value: u128 = frac.parse().ok()?;
    let part = frac_value * u128::from(mult) / 10u128.checked_pow(digits)?;
    whole.checked_add(u64::try_from(part).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_quantities() {
        assert_eq!(parse_cpu_millis("100m"), Some(100));
        assert_eq!(parse_cpu_millis("1"), Some(1000));
        assert_eq!(parse_cpu_millis("0.25"), Some(250));
        assert_eq!(parse_cpu_millis("abc"), None);
        assert_eq!(Cpu::parse("2").unwrap(), Cpu(2000));
        assert_eq!(Cpu(1000).to_string(), "1000m");
    }

    #[test]
    fn memory_quantities() {
        assert_eq!(parse_memory_bytes("128Mi"), Some(128 << 20));
        assert_eq!(parse_memory_bytes("1Gi"), Some(1 << 30));
        assert_eq!(parse_memory_bytes("1G"), Some(1_000_000_000));
        assert_eq!(parse_memory_bytes("1.5Gi"), Some(3 << 29));
        assert_eq!(parse_memory_bytes("x"), None);
        assert_eq!(Memory::parse("1Gi").unwrap(), Memory(1024));
        assert_eq!(Memory(1024).to_string(), "1Gi");
        assert_eq!(Memory(128).to_string(), "128Mi");
        assert!(Memory::parse("1G").is_err());
    }
}
