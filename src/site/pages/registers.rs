//! The pages of the registers: controls, systems, risks, suppliers, evidence
//! and FAQ (split from `pages.rs` to keep it under 600 lines).

use super::*;

/// Pages of every register: controls, systems, risks, suppliers, evidence and FAQ.
pub(super) fn register_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    control_jobs(site, ed, jobs);
    system_jobs(site, ed, jobs);
    risk_jobs(site, ed, jobs);
    supplier_jobs(site, ed, jobs);
    evidence_jobs(site, ed, jobs);
    faq_jobs(site, ed, jobs);
}

/// Statement of Applicability and one page per control.
fn control_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    let controls: Vec<ControlView> = site
        .controls
        .iter()
        .filter(|c| c.level <= ed)
        .map(|c| control_view(site, c, ed, false))
        .collect();
    jobs.push(job(
        "/controls/".into(),
        "soa.html",
        "Statement of Applicability",
        &SoaPage {
            controls,
            counts: soa_counts(site, ed),
            annex: crate::site::readiness::annex_a(site, ed),
        },
        None,
    ));
    for (pos, c) in site
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.level <= ed)
    {
        let title = format!("{} {}", c.id, c.title);
        jobs.push(deferred(
            Kind::Control,
            &c.id,
            &title,
            Deferred::Control(pos),
        ));
    }
}

/// AI system list and one page per system.
fn system_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    let systems: Vec<SystemView> = site
        .systems
        .iter()
        .filter(|s| s.level <= ed)
        .map(|s| system_view(site, s, ed, false))
        .collect();
    jobs.push(job(
        "/systems/".into(),
        "systems.html",
        "AI systems",
        &SystemsPage {
            systems,
            tiers: crate::site::readiness::tier_counts_in_use(site, ed),
            system_counts: crate::site::readiness::systems(site, ed),
        },
        None,
    ));
    for (pos, s) in site
        .systems
        .iter()
        .enumerate()
        .filter(|(_, s)| s.level <= ed)
    {
        jobs.push(deferred(
            Kind::System,
            &s.id,
            &s.title,
            Deferred::System(pos),
        ));
    }
}

/// One page per risk, then the risk register.
fn risk_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    let risks: Vec<RiskView> = site
        .risks
        .iter()
        .filter(|r| r.level <= ed)
        .map(|r| risk_view(site, r, ed))
        .collect();
    for r in &risks {
        jobs.push(job(
            r.url.clone(),
            "risk.html",
            &r.title,
            &RiskPage { risk: r },
            Some(r.title.clone()),
        ));
    }
    jobs.push(job(
        "/risks/".into(),
        "risks.html",
        "AI risk register",
        &RisksPage { risks: &risks },
        None,
    ));
}

/// One page per supplier, then the supplier list.
fn supplier_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    let suppliers: Vec<SupplierView> = site
        .suppliers
        .iter()
        .filter(|s| s.level <= ed)
        .map(|s| supplier_view(site, s, ed))
        .collect();
    for s in &suppliers {
        let text = format!(
            "{} {} {}",
            s.name,
            s.provides.clone().unwrap_or_default(),
            s.data_use.clone().unwrap_or_default()
        );
        jobs.push(job(
            s.url.clone(),
            "supplier.html",
            &s.name,
            &SupplierPage { supplier: s },
            Some(text),
        ));
    }
    jobs.push(job(
        "/suppliers/".into(),
        "suppliers.html",
        "Suppliers and subprocessors",
        &SuppliersPage {
            suppliers: &suppliers,
        },
        None,
    ));
}

/// One page per evidence item, then the evidence register.
fn evidence_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    let evidence: Vec<EvidenceView> = site
        .evidence
        .iter()
        .filter(|e| e.level <= ed)
        .map(|e| evidence_view(site, e, ed))
        .collect();
    for e in &evidence {
        jobs.push(job(
            e.url.clone(),
            "evidence_item.html",
            &e.title,
            &EvidenceItemPage { evidence: e },
            Some(e.title.clone()),
        ));
    }
    jobs.push(job(
        "/evidence/".into(),
        "evidence.html",
        "Evidence register",
        &EvidencePage {
            evidence: &evidence,
        },
        None,
    ));
}

/// One page per FAQ entry, then the FAQ page.
fn faq_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    let mut faqs = Vec::new();
    for f in site.faq.iter().filter(|f| f.level <= ed) {
        let (v, text) = faq_view(site, f, ed);
        jobs.push(job(
            v.url.clone(),
            "faq_item.html",
            &v.question,
            &FaqItemPage { faq: &v },
            Some(format!("{} {text}", v.question)),
        ));
        faqs.push(v);
    }
    jobs.push(job(
        "/faq/".into(),
        "faq.html",
        "Frequently asked questions",
        &FaqPage { faqs: &faqs },
        None,
    ));
}
