use super::*;

#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct T {
    id: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    n: Option<i64>,
    #[serde(default)]
    tags: Vec<String>,
}

#[test]
fn reports_unknown_field_with_position() {
    let e = from_str::<T>("id: a\nidd: b\n").unwrap_err();
    assert!(
        e.message.starts_with("unknown field `idd`"),
        "{}",
        e.message
    );
    assert_eq!((e.line, e.column), (2, 1));
}

#[test]
fn reports_syntax_error_position() {
    let e = sequence_len("- a: [\n").unwrap_err();
    assert!(e.line >= 1);
}

#[test]
fn text_keeps_its_source_spelling() {
    let t: T = from_str("id: 007\nversion: 1.0\ntags: [5.10, 1e3]\n").unwrap();
    assert_eq!(t.id, "007");
    assert_eq!(t.version.as_deref(), Some("1.0"));
    assert_eq!(t.tags, ["5.10", "1e3"]);
}

#[test]
fn type_error_points_at_the_value_and_names_the_field() {
    let e = from_str::<T>("id: a\ntags: governance\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 7));
    assert_eq!(e.field.as_deref(), Some("tags"));
    assert!(e.message.contains("expected a sequence"), "{}", e.message);
}

#[test]
fn collects_every_independent_problem_of_an_entry() {
    let errs = from_str_all::<T>("n: many\ntags: x\nother: 1\n").unwrap_err();
    let got: Vec<_> = errs
        .iter()
        .map(|e| (e.line, e.field.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "n".to_string()),
            (2, "tags".to_string()),
            (3, "other".to_string()),
            (1, "id".to_string())
        ]
    );
}

#[test]
fn duplicate_keys_are_an_error_at_the_second() {
    let e = parse("id: a\nid: b\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 1));
    assert!(e.help.unwrap().contains("keep one `id:`"));
}

#[test]
fn aliases_that_explode_are_refused() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..8 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        text.push_str(&format!(
            "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    let e = parse(&text).unwrap_err();
    assert!(e.message.contains("too many"), "{}", e.message);
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let text = format!("a: {}\n", "[".repeat(5000));
    assert!(parse(&text).is_err());
}
