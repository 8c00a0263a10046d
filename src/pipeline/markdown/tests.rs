//! Unit tests of Markdown parsing, passages and per-edition rendering.

use super::*;

fn eds() -> Vec<String> {
    vec!["public".into(), "customer".into(), "internal".into()]
}

fn none(_: &MdRef) -> Resolved {
    Resolved::Missing
}

/// Found by the leak fuzzer: YAML folding joined a two-colon marker and the
/// quote after it into one line, which was published as text.
#[test]
fn a_miscounted_marker_joined_to_text_is_an_error() {
    for md in [
        "::customer > encryption CANARY incident.\n",
        "Public. ::::internal secret ::\n",
    ] {
        let p = parse(md, &eds());
        assert!(
            p.errors.iter().any(
                |e| matches!(e, BlockError::Misplaced { place, .. } if place.contains("colons"))
            ),
            "{md:?}: {:?}",
            p.errors
        );
    }
    assert!(parse("A C++ name like std::vector is fine.\n", &eds())
        .errors
        .is_empty());
}

/// A CJK input method types the full-width colon: `：：：internal` and `：：：`
/// read as text would publish what the author meant to hide.
#[test]
fn a_marker_written_with_lookalike_colons_is_an_error() {
    for md in [
        "\u{FF1A}\u{FF1A}\u{FF1A}internal\nCANARY\n\u{FF1A}\u{FF1A}\u{FF1A}\n",
        "::\u{FF1A}customer\nCANARY\n:::\n",
        "\u{2236}\u{2236}\u{2236} Internal\nCANARY\n\u{2236}\u{2236}\u{2236}\n",
    ] {
        let p = parse(md, &eds());
        assert!(
            p.errors.iter().any(
                |e| matches!(e, BlockError::Misplaced { place, .. } if place.contains("look-alike"))
            ),
            "{md:?}: {:?}",
            p.errors
        );
    }
    // A full-width colon in prose, or after a word, is text.
    for md in ["Scope\u{FF1A} all systems.\n", "Ratio 3\u{2236}1.\n"] {
        assert!(parse(md, &eds()).errors.is_empty(), "{md:?}");
    }
}

/// Found by the leak fuzzer: YAML folding joined a quoted indented code line
/// and a quoted passage into one line of code, which every edition showed.
#[test]
fn a_marker_inside_an_indented_code_block_is_an_error_not_code() {
    let folded =
        ">     encryption CODE incident. > > :::customer > training CANARY deletion. > :::\n";
    let plain = "Text.\n\n    :::internal\n    CANARY\n    :::\n";
    for md in [folded, plain] {
        let p = parse(md, &eds());
        assert!(
            p.errors.iter().any(|e| matches!(e, BlockError::Misplaced { place, .. } if place.contains("indented code"))),
            "{md:?}: {:?}",
            p.errors
        );
    }
    // A fenced block still shows the syntax as code, with no error.
    let fenced = parse("```markdown\n:::internal\nHidden.\n:::\n```\n", &eds());
    assert!(fenced.errors.is_empty(), "{:?}", fenced.errors);
}

/// A long document is held packed (HTML and plain text, see
/// `core::packed`); its passages must still be filtered per edition, in the
/// HTML, the plain text the search and answers read, and the hidden text
/// the leak sentinel reads.
#[test]
fn a_long_packed_document_still_hides_its_passages_from_lower_editions() {
    let filler = "Oversight is reviewed every quarter by the AI lead. ".repeat(60);
    let md = format!(
        "# Title\n\n{filler}\n\n:::customer\nCUSTCANARY {filler}\n:::\n\n:::internal\nINTCANARY\n\n```rust\nfn secret() {{}}\n```\n:::\n\nAfter. {filler}\n"
    );
    let p = parse(&md, &eds());
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert!(matches!(p.html, Packed::Lz4(_)), "long HTML is packed");
    assert!(matches!(p.text, Packed::Lz4(_)), "long text is packed");
    let public = p.render(0, &none);
    for canary in ["CUSTCANARY", "INTCANARY", "secret"] {
        assert!(!public.html.contains(canary), "{canary} in public HTML");
        assert!(!public.text.contains(canary), "{canary} in public text");
    }
    let customer = p.render(1, &none);
    assert!(customer.html.contains("CUSTCANARY") && !customer.html.contains("INTCANARY"));
    assert!(p.render(2, &none).html.contains("INTCANARY"));
    let hidden: Vec<(usize, String)> = p
        .text_by_level()
        .into_iter()
        .filter(|(l, _)| *l > 0)
        .collect();
    assert!(
        hidden
            .iter()
            .any(|(l, t)| *l == 1 && t.contains("CUSTCANARY")),
        "{hidden:?}"
    );
    assert!(
        hidden
            .iter()
            .any(|(l, t)| *l == 2 && t.contains("INTCANARY")),
        "{hidden:?}"
    );
    assert!(p
        .text_by_level()
        .iter()
        .all(|(l, t)| *l > 0 || !t.contains("CANARY")));
}

#[test]
fn removes_internal_passages_with_headings_and_footnotes() {
    let md = "# Title\n\nPublic text.\n\n:::internal\n## Secret heading\n\nCANARY-INT[^n]\n\n[^n]: FOOTCANARY\n:::\n\nAfter.\n";
    let p = parse(md, &eds());
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let public = p.render(0, &none);
    assert!(!public.html.contains("CANARY-INT"));
    assert!(!public.html.contains("Secret heading"));
    assert!(!public.html.contains("FOOTCANARY"));
    assert!(public.html.contains("After."));
    assert_eq!(public.toc.len(), 1);
    let internal = p.render(2, &none);
    assert!(internal.html.contains("CANARY-INT"));
    assert!(internal.html.contains("id=\"secret-heading\""));
    assert_eq!(internal.toc.len(), 2);
}

#[test]
fn passages_inside_raw_html_blocks_stay_hidden() {
    let md = "<div>\n:::internal\nSWALLOWED\n:::\n\nafter\n\n<!-- open comment\n:::internal\nINCOMMENT\n:::\nTAIL\n";
    let p = parse(md, &eds());
    assert!(
        p.errors.iter().all(|e| matches!(
            e,
            BlockError::Misplaced {
                place: "an HTML block",
                ..
            }
        )) && p.errors.len() == 3,
        "{:?}",
        p.errors
    );
    let public = p.render(0, &none);
    assert!(!public.html.contains("SWALLOWED"), "{}", public.html);
    assert!(!public.html.contains("INCOMMENT"), "{}", public.html);
    assert!(p.render(2, &none).html.contains("SWALLOWED"));
}

#[test]
fn forged_markers_cannot_reopen_public_text() {
    let md = ":::internal\n<!--/vouch-edition-->\n\nFORGED\n:::\n";
    let p = parse(md, &eds());
    assert!(!p.render(0, &none).html.contains("FORGED"));
}

#[test]
fn reports_unterminated_and_misnested_passages() {
    let p = parse("a\n:::internal\nb\n", &eds());
    assert!(matches!(
        p.errors[0],
        BlockError::Unterminated { offset: 2, .. }
    ));
    let p = parse(":::internal\n:::customer\n:::\n", &eds());
    assert!(matches!(
        p.errors[0],
        BlockError::Misnested { offset: 12, .. }
    ));
    let p = parse("text\n:::\n", &eds());
    assert!(matches!(p.errors[0], BlockError::Misnested { .. }));
}

#[test]
fn ignores_colons_inside_code_fences() {
    let p = parse("```\n:::internal\n```\n", &eds());
    assert!(p.errors.is_empty());
}

#[test]
fn collects_scheme_links_at_their_offsets() {
    let md = "See [the control](control:A.6.2.4) and [x](policy:ai#roles).\n";
    let p = parse(md, &eds());
    assert_eq!(p.refs.len(), 2);
    assert_eq!(p.refs[0].offset, 4);
    assert_eq!(p.refs[1].anchor.as_deref(), Some("roles"));
}

#[test]
fn renders_hidden_reference_as_plain_text_with_marker() {
    let p = parse("See [secret](evidence:ev-x).\n", &eds());
    let r = p.render(0, &|_| Resolved::Hidden {
        marker: "not published",
        request: None,
    });
    assert!(!r.html.contains("href"));
    assert!(r
        .html
        .contains("secret <span class=\"restricted\"><svg class=\"lock\""));
    assert!(r.html.contains("</svg>not published</span>"), "{}", r.html);
}

#[test]
fn hidden_reference_links_its_marker_to_the_request_address_escaped() {
    let p = parse("See [pack](evidence:ev-x).\n", &eds());
    let req = Some("https://example.com/nda?a=1&b=\"2\"".to_string());
    let r = p.render(0, &|_| Resolved::Hidden {
        marker: "available on request",
        request: req.clone(),
    });
    assert!(
        r.html.contains(
            "pack <a class=\"restricted\" href=\"https://example.com/nda?a=1&amp;b=&quot;2&quot;\">"
        ),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("</svg>available on request</a>"),
        "{}",
        r.html
    );
    assert!(!r.html.contains("ev-x"));
}

#[test]
fn slugs_are_stable_and_deduplicated() {
    let p = parse("## Roles & duties\n## Roles & duties\n", &eds());
    assert_eq!(p.headings[0].slug, "roles-duties");
    assert_eq!(p.headings[1].slug, "roles-duties-1");
}

#[test]
fn highlights_code_with_classes_not_styles() {
    let p = parse("```rust\nfn main() {}\n```\n", &eds());
    let r = p.render(0, &none);
    assert!(r.html.contains(&format!("class=\"{}", super::CLASS_PREFIX)));
    assert!(!r.html.contains("style="));
}

#[test]
fn code_spans_are_kept_once_per_class_and_rendered_back_in_full() {
    let code = "fn main() {\n    let x = 1;\n    let y = x + 1;\n}\n";
    let p = parse(&format!("Text.\n\n```rust\n{code}```\n"), &eds());
    let full = super::highlight("rust", code, None);
    let spans = full.matches("<span class=\"").count();
    assert!(spans > p.classes.len(), "classes repeat: {spans} spans");
    let marked = p.html.text();
    assert!(!marked.contains("<span class="), "{marked}");
    for ed in 0..3 {
        let html = p.render(ed, &none).html;
        assert_eq!(html.matches(full.as_str()).count(), 1, "{html}");
        assert!(!html.contains('\0'), "{html:?}");
    }
}

#[test]
fn fills_reference_links_per_edition() {
    let p = parse(
        "See [](control:A.2.2 \"Why\") and [x](policy:ai#roles).\n",
        &eds(),
    );
    let link = |r: &MdRef| Resolved::Link {
        url: format!("/{}/", r.id),
        title: "T & <b>".into(),
    };
    let r = p.render(0, &link);
    assert!(
        r.html
            .contains("<a href=\"/A.2.2/\" title=\"Why\">T &amp; &lt;b&gt;</a>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<a href=\"/ai/#roles\">x</a>"),
        "{}",
        r.html
    );
    assert!(!r.html.contains('\0'));
    let missing = p.render(0, &none);
    assert!(missing.html.contains("See  and x."), "{}", missing.html);
}

#[test]
fn nul_bytes_cannot_forge_placeholders() {
    let md = "a\0s0\0 [x](control:A.2.2) <b>\0e0:1\0</b>\n";
    let p = parse(md, &eds());
    assert_eq!(p.refs[0].offset, md.find('[').unwrap());
    let r = p.render(0, &|_| Resolved::Hidden {
        marker: "not published",
        request: None,
    });
    assert!(!r.html.contains('\0'));
    assert_eq!(r.html.matches("restricted").count(), 1, "{}", r.html);
    let e = parse("\0\0\n:::internal\n", &eds());
    assert!(matches!(
        e.errors[0],
        BlockError::Unterminated { offset: 3, .. }
    ));
}

#[test]
fn documents_without_passages_share_one_rendering() {
    let p = parse("# T\n\nPlain.\n", &eds());
    assert!(!p.has_passages());
    assert!(Arc::ptr_eq(
        &p.render(0, &none).html,
        &p.render(2, &none).html
    ));
    assert!(parse(":::customer\nx\n:::\n", &eds()).has_passages());
}

#[test]
fn renumbers_footnotes_left_after_hiding_a_passage() {
    let md = "A.\n\n:::internal\nSecret[^s].\n\n[^s]: HIDDEN\n:::\n\nOpen[^o].\n\n[^o]: SHOWN\n";
    let p = parse(md, &eds());
    let public = p.render(0, &none);
    assert!(!public.html.contains("HIDDEN") && !public.html.contains("#s\""));
    assert!(
        public.html.contains("<a href=\"#o\">1</a>"),
        "{}",
        public.html
    );
    assert!(
        public.html.contains("footnote-definition-label\">1<"),
        "{}",
        public.html
    );
    let internal = p.render(2, &none);
    assert!(
        internal.html.contains("<a href=\"#o\">2</a>"),
        "{}",
        internal.html
    );
    assert!(!public.text.contains("Secret") && internal.text.contains("Secret"));
}

#[test]
fn reference_inside_image_alt_stays_plain_text() {
    let p = parse("![see [x](control:A.2.2)](a.png)\n", &eds());
    let link = |_: &MdRef| Resolved::Link {
        url: "/c/\"><script>".into(),
        title: "T".into(),
    };
    let r = p.render(0, &link);
    assert!(r.html.contains("alt=\"see x\""), "{}", r.html);
    assert!(!r.html.contains("script"), "{}", r.html);
}

#[test]
fn aligned_table_cells_use_classes_not_styles() {
    let p = parse("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n", &eds());
    let html = p.render(0, &none).html;
    assert!(!html.contains("style="), "{html}");
    for a in ["left", "center", "right"] {
        assert!(
            html.contains(&format!("<td class=\"align-{a}\">")),
            "{html}"
        );
    }
}

fn misplaced(md: &str) -> Vec<&'static str> {
    parse(md, &eds())
        .errors
        .iter()
        .filter_map(|e| match e {
            BlockError::Misplaced { place, .. } => Some(*place),
            _ => None,
        })
        .collect()
}

#[test]
fn passages_after_lines_that_only_look_like_fences_still_hide() {
    for lead in [
        "```code``` opens this paragraph\n",
        "- item\n\n  ```\n  left open\n",
        "<div>\n```\n</div>\n",
        "    ```\n",
    ] {
        let md = format!("{lead}\n:::internal\nCANARY\n:::\n\nafter\n");
        let p = parse(&md, &eds());
        assert!(p.errors.is_empty(), "{lead:?}: {:?}", p.errors);
        let public = p.render(0, &none);
        assert!(!public.html.contains("CANARY"), "{lead:?}: {}", public.html);
        assert!(!public.html.contains(":::"), "{lead:?}: {}", public.html);
        assert!(p.render(2, &none).html.contains("CANARY"));
    }
}

#[test]
fn markers_inside_containers_are_errors_naming_the_container() {
    assert_eq!(
        misplaced("- item\n  :::internal\n  secret\n  :::\n"),
        ["a list item", "a list item"]
    );
    assert_eq!(misplaced("- :::internal\n"), ["a list item"]);
    assert_eq!(
        misplaced("> :::internal\n> secret\n> :::\n"),
        ["a blockquote", "a blockquote"]
    );
    assert_eq!(misplaced("| a |\n|---|\n| :::internal |\n"), ["a table"]);
    assert_eq!(
        misplaced("Public. :::internal secret :::\n"),
        ["a paragraph"]
    );
}

#[test]
fn colons_in_code_are_code_not_markers() {
    assert!(parse("Write `:::internal` to open.\n", &eds())
        .errors
        .is_empty());
    assert!(parse("~~~\n:::internal\n~~~\n", &eds()).errors.is_empty());
}

#[test]
fn misplaced_marker_is_reported_at_its_own_offset() {
    let md = "a\0b\n\n- item\n  :::internal\n";
    let p = parse(md, &eds());
    let (offset, len) = p.errors[0].span();
    assert_eq!(&md[offset..offset + len], ":::internal", "{:?}", p.errors);
}

#[test]
fn definitions_inside_a_passage_cannot_serve_links_outside_it() {
    let md = "See [docs][x] and note[^n].\n\n:::internal\n[x]: https://secret.example/\n\n[^n]: HIDDEN\n:::\n";
    let labels: Vec<String> = parse(md, &eds())
        .errors
        .iter()
        .filter_map(|e| match e {
            BlockError::HiddenDefinition { label, .. } => Some(label.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(labels, ["x", "^n"]);
    let inside =
        ":::internal\nSee [docs][x].\n\n[x]: https://secret.example/\n:::\n\n[y]: /open\n\n[y]\n";
    assert!(parse(inside, &eds()).errors.is_empty());
}

#[test]
fn hidden_headings_do_not_renumber_visible_ones() {
    let p = parse(
        ":::internal\n## Secret\n:::\n\n## Secret ops\n\n## Roles\n",
        &eds(),
    );
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let public = p.render(0, &none);
    assert!(public.html.contains("id=\"roles\""), "{}", public.html);
    let p = parse(":::internal\n## Roles\n:::\n\n## Roles\n", &eds());
    assert!(
        matches!(
            &p.errors[..],
            [BlockError::HeadingIdClash { id, offset: 12, .. }] if id == "roles"
        ),
        "{:?}",
        p.errors
    );
    assert_eq!(p.headings[1].slug, "roles");
    assert!(p.render(0, &none).html.contains("id=\"roles\""));
    let ok = parse(
        ":::internal\n## Roles {#internal-roles}\n:::\n\n## Roles\n",
        &eds(),
    );
    assert!(ok.errors.is_empty(), "{:?}", ok.errors);
}

#[test]
fn a_passage_swallowed_by_a_fence_left_open_is_an_error() {
    // Found by the leak fuzzer: a fence opened after a list and never closed
    // runs to the end of the text, so the passage below would be published
    // as code in every edition.
    let md = "-  ```\n  > quoted\n   ```\n\nText.\n\n:::internal\nCANARY\n:::\n";
    let p = parse(md, &eds());
    let places: Vec<_> = p
        .errors
        .iter()
        .filter_map(|e| match e {
            BlockError::Misplaced { place, .. } => Some(*place),
            _ => None,
        })
        .collect();
    assert_eq!(places.len(), 2, "{:?}", p.errors);
    assert!(places[0].contains("never closed"));
    // Also when the marker is not at the start of its line (a quote, or
    // lines joined by a YAML folded scalar), as the long fuzz run found.
    let md = "``` <details>\ntext </details> ```\n\n> :::customer > CANARY > :::\n";
    assert!(
        parse(md, &eds()).errors.iter().any(
            |e| matches!(e, BlockError::Misplaced { place, .. } if place.contains("never closed"))
        ),
        "{:?}",
        parse(md, &eds()).errors
    );
    // Two colons or four are a slip, not text to publish.
    for md in ["::customer\nCANARY\n::\n", "::::internal\nCANARY\n::::\n"] {
        assert!(
            parse(md, &eds()).errors.iter().any(
                |e| matches!(e, BlockError::Misplaced { place, .. } if place.contains("colons"))
            ),
            "{md:?}"
        );
    }
    // A closed fence is code, on purpose (documentation of the syntax).
    let md = "```\n:::internal\nshown as code\n:::\n```\n";
    assert!(parse(md, &eds()).errors.is_empty());
}

#[test]
fn bare_email_addresses_become_mailto_links() {
    let md = "Write to privacy@northwind.example or dpo.team+ai@eu.northwind.example.\n\nNot a@b, not `code@x.example`, not [linked](https://x.example/) or <me@x.example>.\n\n```\nfence@x.example\n```\n";
    let p = parse(md, &eds());
    let html = p.render(0, &none).html;
    assert!(
        html.contains(
            r#"<a href="mailto:privacy@northwind.example">privacy@northwind.example</a> or"#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="mailto:dpo.team+ai@eu.northwind.example">dpo.team+ai@eu.northwind.example</a>."#),
        "{html}"
    );
    assert!(!html.contains("mailto:a@b"), "{html}");
    assert!(!html.contains("mailto:code@"), "{html}");
    assert!(!html.contains("mailto:fence@"), "{html}");
    assert_eq!(html.matches("mailto:me@x.example").count(), 1, "{html}");
}

#[test]
fn a_passage_split_across_two_code_blocks_is_misplaced_but_shown_syntax_is_code() {
    // Found by the leak fuzzer: the author meant the list item's fence to
    // run on, so `:::internal` and its `:::` look like a passage; the
    // parser ends the item at the under-indented line, and the two markers
    // fall into two later fences, publishing the secret as code.
    let split = "-  ```yaml\n  backup.\n   ```\n\n  :::internal\n  secret words.\n   ```\n  public text.\n   ```\n  :::\n   ```\n";
    let places: Vec<&str> = parse(split, &eds())
        .errors
        .iter()
        .filter_map(|e| match e {
            BlockError::Misplaced { place, offset, .. } => Some((*place, *offset)),
            _ => None,
        })
        .map(|(place, offset)| {
            assert!(split[offset..].starts_with(":::"), "{offset}");
            place
        })
        .collect();
    assert_eq!(places.len(), 2, "{places:?}");
    assert!(places
        .iter()
        .all(|p| p.contains("another code block") || p.contains("left open")));
    // In any case, and with a balanced block between the two ends.
    let between = "```\n:::Internal\n```\n\n```\n:::customer\n:::\n```\n\n```\n:::\n```\n";
    assert_eq!(parse(between, &eds()).errors.len(), 2);
    // Showing the syntax stays code: one end alone, or both in one block.
    for shown in [
        "```\n:::internal\n```\n",
        "```\n:::\n```\n",
        "```\n:::internal\nx\n:::\n```\n\n```\n:::\n```\n",
        "```\n:::\n```\n\n```\n:::internal\n```\n",
    ] {
        assert!(parse(shown, &eds()).errors.is_empty(), "{shown}");
    }
}

#[test]
fn a_passage_in_a_fence_whose_opening_line_holds_a_closing_fence_is_misplaced() {
    // Found by the leak fuzzer: a YAML folded scalar joins `~~~`, the code
    // and the closing `~~~` into one opening line, so the passage written
    // after it is code up to a later fence, in every edition.
    let joined = "~~~ incident. ~~~\n\n  :::internal\n  secret\n  :::\n\n~~~~\n";
    let errors = parse(joined, &eds()).errors;
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors
        .iter()
        .all(|e| matches!(e, BlockError::Misplaced { place, .. } if place.contains("folded"))));
    // A fence with an ordinary info string still shows the syntax as code.
    let shown = "~~~ markdown\n\n  :::internal\n  secret\n  :::\n\n~~~~\n";
    assert!(parse(shown, &eds()).errors.is_empty());
}

#[test]
fn a_passage_in_a_fence_whose_closing_fence_is_joined_to_code_is_misplaced() {
    // Found by the leak fuzzer: a YAML folded scalar joins the last line of
    // code and the closing `~~~` into `deletion. ~~~`, which does not close
    // the block, so the passage after it (its markers on their own lines or
    // folded into one) is code up to a later fence, in every edition.
    for md in [
        "~~~ encryption incident.\n*training* deletion. ~~~\n:::customer deletion CANARY training. :::\n<div> incident.\n   ~~~~\naudit\n   ~~~~\n",
        "~~~\ncode\nmore code ~~~\n\n:::internal\nCANARY\n:::\n\n~~~\n",
    ] {
        let errors = parse(md, &eds()).errors;
        assert!(
            !errors.is_empty()
                && errors.iter().all(
                    |e| matches!(e, BlockError::Misplaced { place, .. } if place.contains("folded"))
                ),
            "{md:?}: {errors:?}"
        );
    }
    // A longer fence may show a shorter one as code, and a block that holds
    // its fence only at the ends is as before.
    let shown = "````\n```\n:::internal\nsecret\n:::\n```\n````\n";
    assert!(parse(shown, &eds()).errors.is_empty());
}

#[test]
fn lookalike_colons_the_renderer_would_print_are_misplaced_markers() {
    // Found by the leak fuzzer: a full-width marker inside a blockquote.
    for md in [
        "> \u{FF1A}\u{FF1A}\u{FF1A}customer\n> CANARY\n> \u{FF1A}\u{FF1A}\u{FF1A}\n",
        "- \u{FF1A}:\u{FF1A}internal\n  CANARY\n",
        "Text \u{FE55}\u{FE55}\u{FE55}internal CANARY\n",
    ] {
        let errors = parse(md, &eds()).errors;
        assert!(
            errors
                .iter()
                .any(|e| matches!(e, BlockError::Misplaced { .. })),
            "{md:?}: {errors:?}"
        );
    }
    assert!(parse("> 比率\u{FF1A}3\u{FF1A}1\n", &eds())
        .errors
        .is_empty());
}

#[test]
fn a_passage_in_a_fence_after_one_its_list_item_left_open_is_misplaced() {
    // Found by the leak fuzzer: the list item's lines are indented less than
    // its content, so the item ends with its fence open; the author's
    // closing `~~~` then opens a block that runs to a later fence, and the
    // passage between them is code in every edition.
    let md = "-  ~~~\n  code\n   ~~~\n\n  :::customer\n  #### audit CANARY.\n  :::\n\n  ~~~~\n  more\n  ~~~~\n";
    let errors = parse(md, &eds()).errors;
    assert!(
        errors.len() == 2
            && errors.iter().all(
                |e| matches!(e, BlockError::Misplaced { place, .. } if place.contains("left open"))
            ),
        "{errors:?}"
    );
    // With the item's fence closed, a later fence may show the syntax.
    let md = "- ~~~\n  code\n  ~~~\n\n~~~\n:::customer\nshown\n:::\n~~~\n";
    assert!(parse(md, &eds()).errors.is_empty());
}
