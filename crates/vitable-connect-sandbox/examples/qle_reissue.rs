//! A mid-year change after a birth, end to end.
//!
//! ```sh
//! cargo run -p vitable-connect-sandbox --example qle_reissue
//! ```
//!
//! Without credentials this starts the local sandbox in-process with its demo data. With
//! `VITABLE_CONNECT_API_KEY` set (and optionally `VITABLE_CONNECT_BASE_URL`) it runs against
//! that server instead.
//!
//! The steps: find an employee with a pending enrollment, record a `Birth` qualifying life
//! event for their member record, add the newborn as a dependent, reissue the enrollment with
//! the event, list the plans, and elect a plan covering the whole family at the right tier.

use vitable_connect::chrono::{Duration, NaiveDate, Utc};
use vitable_connect::{
    Client, CoverageTier, Dependent, Election, Employee, Enrollment, EnrollmentPlan, EnrollmentStatus,
    EventType, Relationship, Sex,
};
use vitable_connect_sandbox::{Sandbox, SandboxOptions};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    // Keep the sandbox alive until the end of main, when one is used.
    let (client, sandbox) = connect().await?;
    let server = match &sandbox {
        Some(s) => format!("local sandbox at {} (demo data, no credentials)", s.base_url()),
        None => client.base_url().to_owned(),
    };
    println!("Vitable Connect: a mid-year change after a birth");
    println!("  server: {server}\n");

    let (employee, enrollment) = find_pending_enrollment(&client).await?;
    let member = &employee.member;
    println!(
        "  employee:   {} {} ({}), member {}",
        member.first_name, member.last_name, employee.id, member.id
    );
    println!(
        "  enrollment: {} ({}, plan year {})\n",
        enrollment.id, enrollment.status, enrollment.plan_year_id
    );

    // 1. The baby was born three days ago.
    let born: NaiveDate = Utc::now().date_naive() - Duration::days(3);
    let qle = client
        .members()
        .qualifying_life_events()
        .record(&member.id, EventType::Birth, born)
        .notes("Daughter born at St. Mary's")
        .send()
        .await?;
    println!(
        "  1. recorded a {} event ({}) on {}: {}, election window {} to {}",
        qle.event_type,
        qle.id,
        qle.event_date,
        qle.status,
        qle.enrollment_window_start,
        qle.enrollment_window_end
    );

    // 2. Add the newborn as a dependent.
    let baby = client
        .members()
        .dependents()
        .create(&member.id, "Ava", &member.last_name, born, Sex::Female, Relationship::Child)
        .send()
        .await?;
    println!("  2. added {} {} ({}) as a {}", baby.first_name, baby.last_name, baby.id, baby.relationship);

    // 3. Reopen the enrollment with the event.
    let reissued =
        client.enrollments().reissue(&enrollment.id, &qle.id).reason("Birth of a child").send().await?;
    println!("  3. reissued {}: now {}, ready for a new election", reissued.id, reissued.status);

    // 4. Who is covered, at which tier, and what it costs.
    let family: Vec<Dependent> =
        client.members().dependents().list(&member.id).active_in(true).stream().try_collect().await?;
    let tier = tier_for(&family)?;
    let plans = client.enrollments().list_plans(&reissued.id).send().await?;
    println!("  4. {} plans offered at tier {tier} (employee's monthly cost, deductible):", plans.len());
    for plan in &plans {
        let deductible = plan.deductible_cents.map_or("-".into(), dollars);
        match cost_at(plan, &tier) {
            Some(cents) => println!("       {:<24} {:>10}   {:>10}", plan.name, dollars(cents), deductible),
            None => println!("       {:<24} (not offered at {tier})", plan.name),
        }
    }
    // The cheapest for the employee; among equals, the lowest deductible.
    let plan = plans
        .iter()
        .filter_map(|p| Some((cost_at(p, &tier)?, p.deductible_cents.unwrap_or(i64::MAX), p)))
        .min_by_key(|(cost, deductible, _)| (*cost, *deductible))
        .map(|(_, _, p)| p)
        .ok_or("no plan is offered at the family's coverage tier")?;

    // 5. Elect the plan for the whole family.
    let election = Election::enroll(reissued.id.clone(), plan.id.clone(), tier)
        .dependents(family.iter().map(|d| d.id.clone()));
    let updated = client.employees().enrollments().submit_elections(&employee.id, [election]).send().await?;
    let done =
        updated.iter().find(|e| e.id == reissued.id).ok_or("the election did not return the enrollment")?;
    let covered: Vec<String> = done
        .enrolled_dependents
        .iter()
        .flatten()
        .map(|d| format!("{} ({})", d.first_name, d.relationship))
        .collect();
    println!(
        "  5. elected {} at {}: {}; covers {} and {}",
        done.selected_plan_name.as_deref().unwrap_or("?"),
        done.coverage_tier.as_ref().map_or("?".to_owned(), |t| t.to_string()),
        done.status,
        member.first_name,
        covered.join(", ")
    );
    println!(
        "     monthly: employee pays {}, employer pays {}",
        done.employee_contribution_cents.map_or("?".into(), dollars),
        done.employer_contribution_cents.map_or("?".into(), dollars)
    );

    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}

/// A client for the server named by the environment, or for a fresh seeded sandbox.
async fn connect() -> Result<(Client, Option<Sandbox>), BoxError> {
    if std::env::var_os(vitable_connect::API_KEY_ENV).is_some() {
        return Ok((Client::from_env()?, None));
    }
    let sandbox = Sandbox::start(SandboxOptions::new().seed(true)).await?;
    Ok((sandbox.client(), Some(sandbox)))
}

/// The first active employee (of any employer) with a pending enrollment.
async fn find_pending_enrollment(client: &Client) -> Result<(Employee, Enrollment), BoxError> {
    let mut employers = client.employers().list().active_in(true).stream();
    while let Some(employer) = employers.try_next().await? {
        let mut employees = client.employers().employees().list(&employer.id).active_in(true).stream();
        while let Some(employee) = employees.try_next().await? {
            let pending = client
                .employees()
                .enrollments()
                .list(&employee.id)
                .status(EnrollmentStatus::Pending)
                .limit(1)
                .send()
                .await?;
            if let Some(enrollment) = pending.into_iter().next() {
                return Ok((employee, enrollment));
            }
        }
    }
    Err("no active employee has a pending enrollment".into())
}

/// Employee only, plus spouse, plus children, or the whole family.
///
/// A relationship this rule does not know (one the API adds later) is reported rather than
/// guessed at.
fn tier_for(dependents: &[Dependent]) -> Result<CoverageTier, String> {
    let (mut spouse, mut child) = (false, false);
    for dependent in dependents {
        match &dependent.relationship {
            Relationship::Spouse => spouse = true,
            Relationship::Child => child = true,
            other => return Err(format!("no coverage tier rule for a dependent who is a {other}")),
        }
    }
    Ok(match (spouse, child) {
        (true, true) => CoverageTier::Ef,
        (true, false) => CoverageTier::Es,
        (false, true) => CoverageTier::Ec,
        (false, false) => CoverageTier::Ee,
    })
}

/// The employee's monthly contribution for `plan` at `tier`, in cents.
fn cost_at(plan: &EnrollmentPlan, tier: &CoverageTier) -> Option<i64> {
    plan.costs.iter().find(|c| c.coverage_tier == *tier).map(|c| c.employee_contribution_cents)
}

fn dollars(cents: i64) -> String {
    format!("${}.{:02}", cents / 100, (cents % 100).abs())
}
