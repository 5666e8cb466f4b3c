//! Lists without thinking about pages, against the in-process sandbox:
//!
//! ```sh
//! cargo run -p vitable-connect-examples --example pagination
//! ```
//!
//! `.stream()` gives a list's items one by one and `.pages()` a page at a time; each fetches
//! a page only when the previous one is used up. Their `try_collect()`, `try_next()` and
//! `next()` need no import: this file uses nothing from the `futures` crate.

use vitable_connect::Employee;
use vitable_connect_examples::{demo_sandbox, pending_enrollments};

#[tokio::main]
async fn main() -> vitable_connect::Result<()> {
    let sandbox = demo_sandbox().await;
    let client = sandbox.client();
    let demo = sandbox.demo().expect("a seeded sandbox");
    let employer = &demo.employer_id;

    // One page: `.page(n)` and `.limit(n)`, awaited like any request.
    let first_page = client.employers().list().limit(10).await?;
    println!("employers on the first page: {}", first_page.len());

    // The whole list, however many pages: here one employee per page.
    let everyone: Vec<Employee> =
        client.employers().employees().list(employer).limit(1).stream().try_collect().await?;
    println!("employees, one page each: {}", everyone.len());
    assert_eq!(everyone.len(), demo.employees.len());

    // Item by item, stopping early: only the pages needed are fetched.
    let mut employees = client.employers().employees().list(employer).limit(1).stream();
    if let Some(first) = employees.try_next().await? {
        println!("the first employee: {} {}", first.member.first_name, first.member.last_name);
    }

    // Page by page, for work done in batches.
    let mut pages = client.employers().employees().list(employer).limit(2).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.try_next().await? {
        println!("a page of {} employees", page.len());
        sizes.push(page.len());
    }
    assert_eq!(sizes.iter().sum::<usize>(), demo.employees.len());

    // A stream in application code: see `pending_enrollments` in src/lib.rs.
    println!("pending enrollments: {}", pending_enrollments(&client, employer).await?);

    sandbox.shutdown().await;
    Ok(())
}
