//! Benefit products: `benefit_products_list` (the catalog is fixed; the seed fills it).

use vitable_connect_api::ids::BenefitProductId;
use vitable_connect_api::types::{BenefitProduct, Category, ProductCode};

use super::{Call, Reply};
use crate::error::{ApiError, build};
use crate::state::{CatalogPlan, ProductRecord, State, sort_by_creation};

/// `GET /v1/benefit-products`: filters `active_in`, `category` and `product_code`.
pub(crate) fn list(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let mut q = call.reader();
    let paging = q.paging();
    let active = q.boolean("active_in");
    let category = q.choice::<Category>("category");
    let code = q.choice::<ProductCode>("product_code");
    q.finish()?;
    let mut items: Vec<&BenefitProduct> = state
        .products
        .values()
        .map(|r| &r.product)
        .filter(|p| active.is_none_or(|a| p.active == a))
        .filter(|p| category.as_ref().is_none_or(|c| p.category == *c))
        .filter(|p| code.as_ref().is_none_or(|c| p.product_code == *c))
        .collect();
    sort_by_creation(&mut items, |p| (p.created_at, p.id.clone()));
    Reply::ok(&paging.apply(items))
}

/// What a new catalog product is made of.
pub(crate) struct NewProduct {
    pub name: &'static str,
    pub description: &'static str,
    pub category: Category,
    pub product_code: ProductCode,
    pub carrier_name: &'static str,
    pub active: bool,
    pub catalog: Vec<CatalogPlan>,
}

/// Adds a product to the catalog.
pub(crate) fn insert(state: &mut State, new: NewProduct) -> Result<BenefitProductId, ApiError> {
    let now = state.now();
    let id: BenefitProductId = state.ids.next(BenefitProductId::PREFIX);
    let product = build(
        BenefitProduct::builder()
            .id(id.clone())
            .name(new.name.to_owned())
            .description(Some(new.description.to_owned()))
            .category(new.category)
            .product_code(new.product_code)
            .carrier_name(Some(new.carrier_name.to_owned()))
            .active(new.active)
            .created_at(now)
            .updated_at(now),
    )?;
    state.products.insert(id.clone(), ProductRecord { product, catalog: new.catalog });
    Ok(id)
}
