//! 行政区划代码: province (2), city (4), county (6, GB/T 2260) and township (9) codes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A region code of 2, 4, 6 or 9 digits whose every level is filled in.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

/// How deep a region code reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RegionLevel {
    Province,
    City,
    County,
    Township,
}

impl RegionCode {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let value = super::normalize_code(input);
        if value.is_empty() {
            return Err("请填写行政区划代码");
        }
        if !value.bytes().all(|b| b.is_ascii_digit()) || ![2, 4, 6, 9].contains(&value.len()) {
            return Err("行政区划代码应为2、4、6或9位数字");
        }
        let levels = [(0, 2), (2, 4), (4, 6), (6, 9)];
        for (start, end) in levels {
            if end <= value.len() && value[start..end].bytes().all(|b| b == b'0') {
                return Err("行政区划代码不正确");
            }
        }
        Ok(Self(value))
    }

    /// Parses a 9-digit township (乡镇/街道) code, the level a station sits at.
    pub fn parse_township(input: &str) -> Result<Self, &'static str> {
        let code = Self::parse(input)?;
        if code.level() != RegionLevel::Township {
            return Err("站点所在地应为9位乡镇（街道）代码");
        }
        Ok(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        match self.0.len() {
            2 => RegionLevel::Province,
            4 => RegionLevel::City,
            6 => RegionLevel::County,
            _ => RegionLevel::Township,
        }
    }

    /// True when `self` lies under `ancestor` or is the same region.
    pub fn is_under(&self, ancestor: &RegionCode) -> bool {
        self.0.starts_with(&ancestor.0)
    }

    /// True when `self` lies strictly under `ancestor`.
    pub fn is_strictly_under(&self, ancestor: &RegionCode) -> bool {
        self.0.len() > ancestor.0.len() && self.is_under(ancestor)
    }

    /// This code and every code above it, from the province down.
    pub fn lineage(&self) -> Vec<RegionCode> {
        [2, 4, 6, 9]
            .into_iter()
            .filter(|&len| len <= self.0.len())
            .map(|len| RegionCode(self.0[..len].to_string()))
            .collect()
    }
}

impl TryFrom<String> for RegionCode {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> Self {
        code.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn every_level_parses() {
        assert_eq!(code("33").level(), RegionLevel::Province);
        assert_eq!(code("3301").level(), RegionLevel::City);
        assert_eq!(code("330106").level(), RegionLevel::County);
        assert_eq!(code("330106001").level(), RegionLevel::Township);
    }

    #[test]
    fn other_lengths_and_empty_levels_are_rejected() {
        for bad in
            ["3", "330", "33010600", "3301060011", "3300", "330100", "330106000", "00", "33a1"]
        {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_township_lies_under_its_county_city_and_province() {
        let township = code("330106001");
        for ancestor in ["33", "3301", "330106", "330106001"] {
            assert!(township.is_under(&code(ancestor)), "{ancestor}");
        }
        assert!(!township.is_under(&code("330105")));
        assert!(!township.is_under(&code("3302")));
        assert!(!code("3301").is_under(&code("330106")));
        assert!(!township.is_strictly_under(&township));
    }

    #[test]
    fn a_township_code_is_required_for_stations() {
        assert!(RegionCode::parse_township("330106").is_err());
        assert!(RegionCode::parse_township("330106001").is_ok());
    }

    #[test]
    fn lineage_runs_from_the_province_down() {
        let names: Vec<String> =
            code("330106001").lineage().into_iter().map(String::from).collect();
        assert_eq!(names, ["33", "3301", "330106", "330106001"]);
    }
}
