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

/// Millicores of any Kubernetes quantity (`100m`, `0.5`, `2`, `1e3m` is `1e3` then `m`: not a
/// quantity; `1k`, `1Gi` are), rounded to the nearest millicore. `None` when not a quantity.
pub fn parse_cpu_millis(s: &str) -> Option<u64> {
    u64::try_from((parse_quantity_nanos(s)? + 500_000) / 1_000_000).ok()
}

/// Bytes of any Kubernetes quantity (`128Mi`, `1G`, `1.5Gi`, `1000`, `1e9`), rounded down (a
/// quantity may name milli-bytes). `None` when not a quantity.
pub fn parse_memory_bytes(s: &str) -> Option<u64> {
    u64::try_from(parse_quantity_nanos(s)? / 1_000_000_000).ok()
}

/// A non-negative Kubernetes quantity in units of 10⁻⁹: `<decimal><suffix>`, the suffix binary
/// (`Ki`..`Ei`), decimal (`n`, `u`, `m`, ``, `k`, `M`..`E`) or an exponent (`e3`, `E-2`).
pub fn parse_quantity_nanos(s: &str) -> Option<u128> {
    const NANO: u128 = 1_000_000_000;
    let s = s.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') {
        return None;
    }
    let int: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac_digits: u32 = frac.len().try_into().ok()?;
    let frac_value: u128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    // value = (int + frac / 10^digits) * NANO * mult / div, computed exactly then rounded down.
    let (mult, div): (u128, u128) = match suffix {
        "" => (1, 1),
        "n" => (1, NANO),
        "u" => (1, 1_000_000),
        "m" => (1, 1_000),
        "k" => (1_000, 1),
        "M" => (1_000_000, 1),
        "G" => (1_000_000_000, 1),
        "T" => (1_000_000_000_000, 1),
        "P" => (1_000_000_000_000_000, 1),
        "E" => (1_000_000_000_000_000_000, 1),
        "Ki" => (1 << 10, 1),
        "Mi" => (1 << 20, 1),
        "Gi" => (1 << 30, 1),
        "Ti" => (1 << 40, 1),
        "Pi" => (1 << 50, 1),
        "Ei" => (1 << 60, 1),
        e if e.starts_with(['e', 'E']) => {
            let exp: i32 = e[1..].parse().ok()?;
            let p = 10u128.checked_pow(exp.unsigned_abs())?;
            if exp >= 0 { (p, 1) } else { (1, p) }
        }
        _ => return None,
    };
    let scale = 10u128.checked_pow(frac_digits)?;
    let numerator = (int.checked_mul(scale)?.checked_add(frac_value)?).checked_mul(NANO)?.checked_mul(mult)?;
    Some(numerator / scale / div)
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
        // Every quantity form Kubernetes accepts, rounded to the nearest millicore.
        assert_eq!(parse_cpu_millis("1k"), Some(1_000_000));
        assert_eq!(parse_cpu_millis("1Ki"), Some(1_024_000));
        assert_eq!(parse_cpu_millis("1e-1"), Some(100));
        assert_eq!(parse_cpu_millis("1500u"), Some(2));
        assert_eq!(parse_cpu_millis("1200u"), Some(1));
        assert_eq!(parse_cpu_millis("1.2.3"), None);
        assert_eq!(parse_cpu_millis("-1"), None);
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
        assert_eq!(parse_memory_bytes("1e9"), Some(1_000_000_000));
        assert_eq!(parse_memory_bytes("1500m"), Some(1));
        assert_eq!(Memory::parse("1Gi").unwrap(), Memory(1024));
        assert_eq!(Memory(1024).to_string(), "1Gi");
        assert_eq!(Memory(128).to_string(), "128Mi");
        assert!(Memory::parse("1G").is_err());
    }
}
