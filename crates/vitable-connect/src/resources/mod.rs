//! One module per resource of the API, mirroring the official SDKs' resource tree:
//! `client.members().qualifying_life_events().record(..)` here is
//! `client.members.qualifying_life_events.record(..)` there.
//!
//! Every operation is a builder: required arguments are taken up front, optional ones are
//! setters, and `send()` runs it (`send_with_response()` also returns status and headers;
//! list operations also have `stream()`). Every builder can override the timeout and the
//! retries, add headers and set an idempotency key.

pub mod benefit_eligibility_policy;
pub mod benefit_products;
pub mod dependents;
pub mod employees;
pub mod employers;
pub mod enrollments;
pub mod members;
pub mod plan_years;
pub mod qualifying_life_events;

use crate::client::Client;

impl Client {
    /// Eligibility policies: [`retrieve`](benefit_eligibility_policy::BenefitEligibilityPolicies::retrieve).
    pub fn benefit_eligibility_policy(&self) -> benefit_eligibility_policy::BenefitEligibilityPolicies {
        benefit_eligibility_policy::BenefitEligibilityPolicies { client: self.clone() }
    }

    /// Benefit products and their plan years.
    pub fn benefit_products(&self) -> benefit_products::BenefitProducts {
        benefit_products::BenefitProducts { client: self.clone() }
    }

    /// Dependents: retrieve and update.
    pub fn dependents(&self) -> dependents::Dependents {
        dependents::Dependents { client: self.clone() }
    }

    /// Employees: retrieve, update, terminate, and their enrollments.
    pub fn employees(&self) -> employees::Employees {
        employees::Employees { client: self.clone() }
    }

    /// Employers, their employees and eligibility policies.
    pub fn employers(&self) -> employers::Employers {
        employers::Employers { client: self.clone() }
    }

    /// Enrollments: retrieve, list plans, reissue after a qualifying life event.
    pub fn enrollments(&self) -> enrollments::Enrollments {
        enrollments::Enrollments { client: self.clone() }
    }

    /// Members: their dependents and qualifying life events.
    pub fn members(&self) -> members::Members {
        members::Members { client: self.clone() }
    }

    /// Plan years: retrieve and update.
    pub fn plan_years(&self) -> plan_years::PlanYears {
        plan_years::PlanYears { client: self.clone() }
    }

    /// Qualifying life events: retrieve.
    pub fn qualifying_life_events(&self) -> qualifying_life_events::QualifyingLifeEvents {
        qualifying_life_events::QualifyingLifeEvents { client: self.clone() }
    }
}

/// Declares an operation builder: the struct with the client, its fields and the request
/// options, a constructor, a setter per optional field, `send()` and the per-request option
/// setters. The caller writes `send_with_response()` (and any setter of another shape).
///
/// Optional fields are listed as `/// doc` `name: Type` (the setter takes `Type`) or
/// `name: Type [into]` (the setter takes `impl Into<Type>`); each is stored as `Option<Type>`.
macro_rules! operation_builder {
    (
        $(#[$meta:meta])*
        $builder:ident => $operation:path {
            $( $field:ident : $ty:ty = $init:expr ),* $(,)?
        }
        $(optional {
            $( $(#[$doc:meta])* $opt:ident : $opt_ty:ty $([$into:ident])? ),* $(,)?
        })?
        new($($arg:ident : $arg_ty:ty),*) -> $output:ty
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent with `.send()`"]
        pub struct $builder {
            client: $crate::Client,
            options: $crate::request::RequestOptions,
            $( $field: $ty, )*
            $($( $opt: Option<$opt_ty>, )*)?
        }

        impl $builder {
            const OPERATION: $crate::operations::Operation = $operation;

            #[allow(clippy::too_many_arguments)]
            pub(crate) fn new(client: $crate::Client, $($arg: $arg_ty),*) -> Self {
                Self { client, options: Default::default(), $( $field: $init, )* $($( $opt: None, )*)? }
            }

            $($( $crate::resources::optional_setter!($(#[$doc])* $opt: $opt_ty, $($into)?); )*)?

            /// Sends the request and returns the decoded response.
            pub async fn send(self) -> $crate::Result<$output> {
                Ok(self.send_with_response().await?.into_inner())
            }
        }

        $crate::request::request_options!($builder);
    };
}
pub(crate) use operation_builder;

/// One setter of an optional field (see [`operation_builder!`]).
macro_rules! optional_setter {
    ($(#[$doc:meta])* $field:ident : $ty:ty, into) => {
        $(#[$doc])*
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    ($(#[$doc:meta])* $field:ident : $ty:ty,) => {
        $(#[$doc])*
        pub fn $field(mut self, value: $ty) -> Self {
            self.$field = Some(value);
            self
        }
    };
}
pub(crate) use optional_setter;

/// Adds `page`, `limit` and `stream()` to a list builder whose `send_with_response()`
/// returns `Vec<$item>`. The builder must have `page: Option<u64>` and `limit: Option<u64>`
/// (the generated client's type; the setters take `u32`).
macro_rules! list_paging {
    ($builder:ident, $item:ty) => {
        impl $builder {
            /// Which page to fetch, from 1 (default 1).
            pub fn page(mut self, page: u32) -> Self {
                self.page = Some(u64::from(page));
                self
            }

            /// Items per page, 1 to 100 (default 20).
            pub fn limit(mut self, limit: u32) -> Self {
                self.limit = Some(u64::from(limit));
                self
            }

            /// Streams the items of every page from `page` (default 1) on, fetching each page
            /// only when the previous one is used up and stopping after a short page. An error
            /// ends the stream as its last item. Filters apply to every page.
            pub fn stream(self) -> $crate::pagination::ItemStream<$item> {
                let limit = self
                    .limit
                    .map_or($crate::pagination::DEFAULT_LIMIT, |l| l.min(u64::from(u32::MAX)) as u32);
                let first = self.page.map_or(1, |p| p.min(u64::from(u32::MAX)) as u32);
                $crate::pagination::paginate(first, limit, move |page| {
                    self.clone().page(page).limit(limit).send()
                })
            }
        }
    };
}
pub(crate) use list_paging;

/// Passes each optional field that is set to the generated builder's setter of the same
/// name: `apply_optional!(request, self, status, page, limit)`.
macro_rules! apply_optional {
    ($request:ident, $from:ident, $($field:ident),+ $(,)?) => {
        $(
            if let Some(value) = $from.$field {
                $request = $request.$field(value);
            }
        )+
    };
}
pub(crate) use apply_optional;

/// Declares a builder for an operation whose only argument is one ID in the path
/// (the `retrieve` operations, `enrollments.list_plans`), `send_with_response()` included.
macro_rules! by_id_operation {
    (
        $(#[$meta:meta])*
        $builder:ident => $operation:path, $generated:ident($id:ident: $id_ty:ty) -> $output:ty
    ) => {
        $crate::resources::operation_builder! {
            $(#[$meta])*
            $builder => $operation { $id: $id_ty = $id }
            new($id: $id_ty) -> $output
        }

        impl $builder {
            /// Sends the request; returns the value with the response's status and headers.
            pub async fn send_with_response(self) -> $crate::Result<$crate::ApiResponse<$output>> {
                let call = self.client.call(&Self::OPERATION, self.options)?;
                let result = call.api.$generated().$id(self.$id).send().await;
                call.finish(result).await
            }
        }
    };
}
pub(crate) use by_id_operation;
