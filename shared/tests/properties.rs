//! Property tests for every parser and validator of the domain crate: whatever the input,
//! parsing never panics, accepts only well-formed values, and what it accepts survives a
//! round trip.

use jiff::civil::{Date, date};
use proptest::prelude::*;
use std::collections::BTreeMap;
use swz_shared::domain::{CreditCode, IdNumber, Month, PersonName, Phone, RegionCode};
use swz_shared::store::{CursorCodec, CursorScope};

const TODAY: Date = date(2026, 12, 3);
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CREDIT_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

fn id_check(body: &str) -> char {
    let sum: u32 = body.bytes().zip(ID_WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

fn credit_check(body: &[u8]) -> char {
    let sum: u32 = body
        .iter()
        .zip(CREDIT_WEIGHTS)
        .map(|(c, w)| CREDIT_CHARSET.iter().position(|x| x == c).unwrap() as u32 * w)
        .sum();
    CREDIT_CHARSET[((31 - sum % 31) % 31) as usize] as char
}

/// A valid ID number: address code, a real past date, sequence, computed check.
fn valid_id() -> impl Strategy<Value = String> {
    (110000u32..=659999, 0i32..(365 * 100), 0u32..1000).prop_map(|(area, days_ago, seq)| {
        let birth = TODAY.checked_sub(jiff::Span::new().days(days_ago as i64)).unwrap();
        let body = format!("{area}{}{seq:03}", birth.strftime("%Y%m%d"));
        format!("{body}{}", id_check(&body))
    })
}

fn valid_credit_code() -> impl Strategy<Value = String> {
    proptest::collection::vec(0usize..31, 17).prop_map(|indexes| {
        let body: Vec<u8> = indexes.into_iter().map(|i| CREDIT_CHARSET[i]).collect();
        let check = credit_check(&body);
        format!("{}{check}", String::from_utf8(body).unwrap())
    })
}

proptest! {
    #[test]
    fn id_parsing_never_panics(input in ".{0,40}") {
        let _ = IdNumber::parse_on(&input, TODAY);
    }

    #[test]
    fn every_valid_id_is_accepted_and_keeps_its_value(id in valid_id()) {
        let parsed = IdNumber::parse_on(&id, TODAY).unwrap();
        prop_assert_eq!(parsed.as_str(), id.as_str());
        prop_assert!(parsed.birth_date() <= TODAY);
        let masked = parsed.masked();
        prop_assert_eq!(masked.chars().count(), 18);
        prop_assert_eq!(&masked[..6], &id[..6]);
        prop_assert_eq!(&masked[14..], &id[14..]);
    }

    #[test]
    fn a_changed_check_character_is_refused(id in valid_id(), replacement in "[0-9X]") {
        prop_assume!(!id.ends_with(&replacement));
        let tampered = format!("{}{replacement}", &id[..17]);
        prop_assert!(IdNumber::parse_on(&tampered, TODAY).is_err());
    }

    #[test]
    fn lower_case_x_and_full_width_digits_parse_like_their_plain_forms(id in valid_id()) {
        let full_width: String = id
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap(),
                'X' => 'x',
                other => other,
            })
            .collect();
        prop_assert_eq!(IdNumber::parse_on(&full_width, TODAY).unwrap().as_str().to_string(), id.clone());
    }

    #[test]
    fn credit_codes_with_their_check_parse_and_others_do_not(code in valid_credit_code(), i in 0usize..31) {
        prop_assert_eq!(CreditCode::parse(&code).unwrap().as_str().to_string(), code.clone());
        let replacement = CREDIT_CHARSET[i] as char;
        prop_assume!(!code.ends_with(replacement));
        let tampered = format!("{}{replacement}", &code[..17]);
        prop_assert!(CreditCode::parse(&tampered).is_err());
    }

    #[test]
    fn credit_code_parsing_never_panics(input in ".{0,40}") {
        let _ = CreditCode::parse(&input);
    }

    #[test]
    fn mobile_numbers_parse_with_spaces_and_country_code(second in 3u8..=9, rest in "[0-9]{9}") {
        let number = format!("1{second}{rest}");
        prop_assert_eq!(Phone::parse(&number).unwrap().as_str().to_string(), number.clone());
        let decorated = format!("  +86 {} {} {} ", &number[..3], &number[3..7], &number[7..]);
        prop_assert_eq!(Phone::parse(&decorated).unwrap().as_str().to_string(), number.clone());
    }

    #[test]
    fn contact_numbers_are_stable_under_their_own_normal_form(input in "[+()0-9 \\-]{0,20}") {
        if let Ok(phone) = Phone::parse_contact(&input) {
            let again = Phone::parse_contact(phone.as_str()).unwrap();
            prop_assert_eq!(again.as_str(), phone.as_str());
            let digits = phone.as_str().bytes().filter(u8::is_ascii_digit).count();
            prop_assert!((10..=12).contains(&digits));
        }
    }

    #[test]
    fn landlines_with_an_area_code_are_contact_numbers_but_not_mobiles(
        area in "0[3-9][0-9]{2}", first in 2u8..=9, rest in "[0-9]{6,7}",
    ) {
        let number = format!("{area}-{first}{rest}");
        prop_assert_eq!(Phone::parse_contact(&number).unwrap().as_str().to_string(), number.clone());
        prop_assert!(Phone::parse(&number).is_err());
    }

    #[test]
    fn accepted_phones_are_always_eleven_digits_from_13_to_19(input in "[+0-9 \\-]{0,20}") {
        if let Ok(phone) = Phone::parse(&input) {
            let bytes = phone.as_str().as_bytes();
            prop_assert_eq!(bytes.len(), 11);
            prop_assert!(bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]));
        }
    }

    #[test]
    fn region_codes_are_under_every_prefix_of_their_lineage(
        province in 11u32..=82, city in 1u32..=99, county in 1u32..=99, town in 1u32..=999
    ) {
        let code = format!("{province:02}{city:02}{county:02}{town:03}");
        let region = RegionCode::parse(&code).unwrap();
        for ancestor in region.lineage() {
            prop_assert!(region.is_under(&ancestor));
            prop_assert!(!ancestor.is_strictly_under(&region));
        }
        let other_province = RegionCode::parse(&format!("{:02}", if province == 82 { 11 } else { province + 1 })).unwrap();
        prop_assert!(!region.is_under(&other_province));
    }

    #[test]
    fn accepted_region_codes_have_a_known_length(input in "[0-9a]{0,12}") {
        if let Ok(code) = RegionCode::parse(&input) {
            prop_assert!([2, 4, 6, 9].contains(&code.as_str().len()));
        }
    }

    #[test]
    fn months_round_trip_and_step(year in 1900i16..2999, month in 1i8..=12) {
        let text = format!("{year:04}-{month:02}");
        let parsed = Month::parse(&text).unwrap();
        prop_assert_eq!(parsed.to_string(), text);
        prop_assert_eq!(parsed.next().previous(), parsed);
        prop_assert!(parsed.next() > parsed);
        prop_assert!(parsed.contains(parsed.first_day()));
    }

    #[test]
    fn month_parsing_never_panics(input in ".{0,12}") {
        let _ = Month::parse(&input);
    }

    #[test]
    fn names_are_trimmed_and_never_empty_or_too_long(input in "\\PC{0,60}") {
        if let Ok(name) = PersonName::parse(&input) {
            prop_assert!(!name.as_str().is_empty());
            prop_assert!(name.as_str().chars().count() <= 50);
            prop_assert_eq!(name.as_str().trim(), name.as_str());
        }
    }

    #[test]
    fn cursors_open_only_in_their_own_scope(
        pk in "[A-Z#0-9a-f]{1,40}", sk in "[A-Z#0-9a-f]{1,40}",
        caller in "[a-f0-9]{8}", other in "[a-f0-9]{8}"
    ) {
        let codec = CursorCodec::new(&[9; 32]);
        let key = BTreeMap::from([("pk".to_string(), pk), ("sk".to_string(), sk)]);
        let scope = CursorScope::new(&caller, Some("st"), "workers");
        let cursor = codec.seal(&scope, &key);
        prop_assert_eq!(codec.open(&scope, &cursor).unwrap(), key);
        prop_assume!(caller != other);
        prop_assert!(codec.open(&CursorScope::new(&other, Some("st"), "workers"), &cursor).is_err());
    }

    #[test]
    fn arbitrary_cursors_never_open(input in ".{0,80}") {
        let codec = CursorCodec::new(&[9; 32]);
        prop_assert!(codec.open(&CursorScope::new("a", None, "q"), &input).is_err());
    }
}
