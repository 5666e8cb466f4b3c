//! Eligibility policies: `employers_create_eligibility_policy`,
//! `benefit_eligibility_policy_retrieve`.

use vitable_connect_api::ids::{EligibilityPolicyId, EmployerId};
use vitable_connect_api::types::{BenefitEligibilityPolicy, EligibilityPolicyCreateRequest, Rule};

use super::{Call, Reply};
use crate::error::{ApiError, build};
use crate::state::{State, find};
use crate::validate::Checks;

/// `POST /v1/employers/{employer_id}/benefit-eligibility-policy`: the new policy becomes the
/// employer's; with `policy_to_replace_id`, it records the one it replaces, which is deactivated.
pub(crate) fn create(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let employer_id = find(&state.employers, call.param("employer_id"), "employer")?.id.clone();
    let mut q = call.reader();
    let replace = q.text("policy_to_replace_id");
    q.finish()?;
    let request: EligibilityPolicyCreateRequest = call.json()?;
    let policy = insert(state, &employer_id, request, replace.as_deref())?;
    Reply::created(&policy)
}

/// Checks and stores a policy, assigns it to the employer and deactivates the replaced one.
pub(crate) fn insert(
    state: &mut State,
    employer_id: &EmployerId,
    request: EligibilityPolicyCreateRequest,
    replace: Option<&str>,
) -> Result<BenefitEligibilityPolicy, ApiError> {
    let mut checks = Checks::default();
    let replaced = match replace {
        Some(old) => match state.policies.get(old).filter(|p| p.employer_id == *employer_id) {
            Some(policy) => Some(policy.id.clone()),
            None => {
                checks.add(
                    "policy_to_replace_id",
                    format!("Employer {employer_id} has no eligibility policy {old}."),
                );
                None
            }
        },
        None => None,
    };
    checks.finish()?;
    let now = state.now();
    let id: EligibilityPolicyId = state.ids.next(EligibilityPolicyId::PREFIX);
    let rules = request
        .rules
        .into_iter()
        .map(|r| {
            build(
                Rule::builder()
                    .rule_type(r.rule_type)
                    .operator(r.operator)
                    .value(serde_json::Value::String(r.value)),
            )
        })
        .collect::<Result<Vec<Rule>, ApiError>>()?;
    let policy: BenefitEligibilityPolicy = build(
        BenefitEligibilityPolicy::builder()
            .id(id.clone())
            .employer_id(employer_id.clone())
            .name(String::from(request.name))
            .description(request.description)
            .active(true)
            .effective_date(request.effective_date)
            .rules(rules)
            .replaced_policy_id(replaced.clone())
            .created_at(now)
            .updated_at(now),
    )?;
    if let Some(old) = replaced.and_then(|old| state.policies.get_mut(old.as_str())) {
        old.active = false;
        old.updated_at = now;
    }
    state.policies.insert(id.clone(), policy.clone());
    if let Some(employer) = state.employers.get_mut(employer_id.as_str()) {
        employer.eligibility_policy_id = Some(id);
        employer.updated_at = now;
    }
    Ok(policy)
}

/// `GET /v1/benefit-eligibility-policy/{policy_id}`.
pub(crate) fn retrieve(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    Reply::ok(find(&state.policies, call.param("policy_id"), "eligibility policy")?)
}
