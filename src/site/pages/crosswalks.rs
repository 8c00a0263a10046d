//! The crosswalk pages of an edition: the index and one page per framework.

use super::{context, PageJob};
use crate::core::routes::CROSSWALKS;
use crate::pipeline::model::Site;
use crate::site::crosswalk::*;
use crate::site::views::{CrosswalkPage, CrosswalksPage};

/// The crosswalk pages of edition `ed`: the index and one per framework
/// (none when `site.yaml` lists no framework besides ISO/IEC 42001).
pub fn page_jobs(site: &Site, ed: usize) -> Vec<PageJob> {
    let views = all(site, ed);
    if views.is_empty() {
        return Vec::new();
    }
    let index = CrosswalksPage {
        crosswalks: views.iter().map(Into::into).collect(),
        definition: COVERAGE_DEFINITION,
        reuse: reuse(site, ed),
        reuse_definition: REUSE_DEFINITION,
    };
    let mut jobs = vec![PageJob {
        url: CROSSWALKS.into(),
        template: "crosswalks.html",
        title: "Crosswalks to other frameworks".into(),
        ctx: context(&index),
        search: None,
        deferred: None,
    }];
    for v in views {
        let search = format!(
            "{} crosswalk {}",
            v.label,
            v.requirements
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        jobs.push(PageJob {
            url: v.url.clone(),
            template: "crosswalk.html",
            title: format!("Crosswalk: {}", v.label),
            ctx: context(&CrosswalkPage {
                crosswalk: &v,
                definition: COVERAGE_DEFINITION,
                nist_source: NIST_SOURCE,
                ai_act_source: AI_ACT_SOURCE,
                harmonized: harmonized(),
            }),
            search: Some(search),
            deferred: None,
        });
    }
    jobs
}
