//! Domain types that can only hold valid values. Input is parsed once, at the edge, into
//! these; the rest of the code takes the types, never raw strings.

mod credit_code;
mod id_number;
mod month;
mod name;
mod phone;
mod region;

pub use credit_code::CreditCode;
pub use id_number::{IdNumber, mask_id_number};
pub use month::{Month, china_date, china_today, china_tz, parse_date};
pub use name::{PersonName, clean_text};
pub use phone::{Phone, mask_phone};
pub use region::{RegionCode, RegionLevel};

use unicode_normalization::UnicodeNormalization;

/// NFKC (full-width digits and letters from Chinese input methods become ASCII), trimmed,
/// upper case: the normal form of every code-like field.
pub(crate) fn normalize_code(input: &str) -> String {
    input.nfkc().collect::<String>().trim().to_uppercase()
}

/// `运营模式不正确，可选：政府购买服务（purchased）、…`: the answer to a value that is not
/// among the options, in the words a user picks from and the codes a client sends.
pub fn options_message<'a>(
    field_label: &str,
    options: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let options: Vec<String> =
        options.into_iter().map(|(label, code)| format!("{label}（{code}）")).collect();
    format!("{field_label}不正确，可选：{}", options.join("、"))
}

/// Declares an enum of codes with Chinese labels. Parsing accepts the code or the label;
/// JSON carries the code.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $field_label:literal { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(input: &str) -> Result<Self, String> {
                let value = input.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == value || v.label() == value)
                    .ok_or_else(|| $crate::domain::options_message($field_label,
                        Self::ALL.iter().map(|v| (v.label(), v.code()))))
            }

            /// `[{code, label}]`, as `/api/meta` serves it.
            pub fn options() -> Vec<$crate::domain::CodeLabel> {
                Self::ALL.iter().map(|v| $crate::domain::CodeLabel { code: v.code(), label: v.label() }).collect()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                $crate::openapi::enum_schema($field_label, &[$($code),+])
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use code_enum;

/// A code with its Chinese label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CodeLabel {
    pub code: &'static str,
    pub label: &'static str,
}

code_enum!(
    /// 性别.
    Gender, "性别" { Male = "male": "男", Female = "female": "女" }
);

code_enum!(
    /// 职业资格等级.
    QualificationLevel, "职业资格等级" {
        None = "none": "无",
        Assistant = "assistant": "助理社会工作师",
        Intermediate = "intermediate": "社会工作师",
        Senior = "senior": "高级社会工作师",
    }
);

code_enum!(
    /// 岗位 of a worker at a station.
    Position, "岗位" {
        Head = "head": "站长",
        Resident = "resident": "驻站社工",
        Assistant = "assistant": "社工助理",
    }
);

code_enum!(
    /// 人群类型 of a service recipient.
    PopulationType, "人群类型" {
        Elderly = "elderly": "老年人",
        Children = "children": "儿童",
        Youth = "youth": "青少年",
        Disabled = "disabled": "残疾人",
        LowIncome = "low_income": "困难群众（低保/特困/低保边缘）",
        Women = "women": "妇女",
        Veterans = "veterans": "优抚对象",
        Migrants = "migrants": "流动人口",
        Other = "other": "其他",
    }
);

code_enum!(
    /// 运营模式 of a station.
    OperationMode, "运营模式" {
        Purchased = "purchased": "政府购买服务",
        SelfRun = "self_run": "自建自营",
        Other = "other": "其他",
    }
);

code_enum!(
    /// 学历.
    Education, "学历" {
        JuniorHigh = "junior_high": "初中及以下",
        HighSchool = "high_school": "高中/中专",
        College = "college": "大专",
        Bachelor = "bachelor": "本科",
        Master = "master": "硕士",
        Doctorate = "doctorate": "博士",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enum_parses_its_code_or_its_label() {
        assert_eq!(Gender::parse("male").unwrap(), Gender::Male);
        assert_eq!(Gender::parse("女").unwrap(), Gender::Female);
        assert_eq!(
            QualificationLevel::parse("社会工作师").unwrap(),
            QualificationLevel::Intermediate
        );
        assert!(PopulationType::parse("aliens").unwrap_err().contains("elderly"));
    }

    #[test]
    fn an_enum_serialises_as_its_code() {
        assert_eq!(serde_json::to_string(&PopulationType::LowIncome).unwrap(), "\"low_income\"");
        let parsed: OperationMode = serde_json::from_str("\"self_run\"").unwrap();
        assert_eq!(parsed, OperationMode::SelfRun);
    }
}
