//! The hot path of `report` allocates nothing per row once its buffers
//! have grown: a counting allocator (this test binary only) counts the
//! allocations made on the test's thread while rows in the shape of a
//! Formspree export are read, re-validated and counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::Reconciliation;
use super::cells::Cells;
use super::columns::plan_columns;
use super::headers::Catalog;
use super::row::{Interpreter, RowOutcome, Scratch};
use crate::answers::Granularity;
use crate::report::aggregate::Aggregator;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note() {
    let on = COUNTING.try_with(Cell::get).unwrap_or(false);
    if on {
        let _ = ALLOCATIONS.try_with(|a| a.set(a.get() + 1));
    }
}

struct Counting;

// SAFETY: every call is passed on unchanged to the system allocator; the
// counters are const-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const EXPORT: &str = "\
id,date,_nonce,_subject,_survey,come_back,comments,culture__collaboration,culture__inclusion,culture__respect,culture__speak_up,culture__trust_leaders,department,enps,factors,growth_rating,manager_detail,manager_rating,pay_fair,reason,reason_other,role_clarity,stay,tenure,workload
2000,2025-12-31T23:44:06.336977,8299c7d6eb82c141,Exit survey,f73368c13218,yes,\"more flexibility would have helped, lederen min lyttet ikke.\",2,3,1,2,3,engineering,10,flexibility,5,,2,5,culture,,3,,y3_plus,
1998,2025-12-29T01:45:38.640134,6a0ac3c251bd6560,Exit survey,f73368c13218,,,2,5,1,,2,sales,6,\"manager, growth, workload\",4,,4,3,pay,,4,,y1_3,2
1992,2025-12-23T04:18:05.096387,9e1690a929c45d30,Exit survey,f73368c13218,yes,\"Flytter til Tromsø, gode kolleger, men lite utvikling.\",5,3,3,1,2,engineering,7,\"workload, culture\",,\"Æ, ø og å – takk for alt!, Too many meetings.\",2,1,manager,,4,,y1_3,
1932,2025-10-18T17:00:07.210428,f36b7e23538abdfe,Exit survey,f73368c13218,no,,5,5,4,5,3,engineering,5,\"growth, commute\",2,,4,3,other,\"gode kolleger, men lite utvikling.\",4,\"gode kolleger, men lite utvikling, Æ, ø og å – takk for alt!.\",lt1,5
";

fn exit_survey() -> crate::survey::Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys/exit-interview.yaml");
    crate::survey::load_survey(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// `EXPORT` under `survey`: `f` gets the number of records (the header
/// included) and a reader of record `i` (1 and up) into a scratch, which
/// says whether the row was used.
fn with_rows(
    survey: &crate::survey::Survey,
    f: impl FnOnce(usize, &dyn Fn(usize, &mut Scratch) -> bool),
) {
    let cat = Catalog::new(survey, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
    let batch = super::read::packed_all(EXPORT.as_bytes());
    let headers: Vec<String> = Cells::packed(batch.row(0))
        .map(|c| c.iter().map(String::from).collect())
        .unwrap_or_default();
    let (mut rec, mut mapped) = (Reconciliation::default(), BTreeSet::new());
    let cols = plan_columns(&cat, &headers, Path::new("x.csv"), &mut rec, &mut mapped);
    let interp = Interpreter {
        catalog: &cat,
        date_order: None,
        unquote: false,
        zone: cols.zone,
        granularity: Granularity::Quarter,
    };
    let read = |i: usize, sc: &mut Scratch| {
        let cells = Cells::packed(batch.row(i)).unwrap_or_else(|| panic!("not UTF-8"));
        matches!(
            interp.interpret_cells(&cols, cells, sc),
            RowOutcome::Used { .. }
        )
    };
    f(batch.len(), &read);
}

#[test]
fn reading_and_counting_a_row_allocates_nothing_once_warm() {
    let survey = exit_survey();
    let mut agg = Aggregator::new(&survey, 20);
    with_rows(&survey, |n, read| {
        let mut sc = Scratch::default();
        let mut used = 0;
        let mut read_all = |sc: &mut Scratch, agg: &mut Aggregator| {
            for i in 1..n {
                if read(i, sc) {
                    used += 1;
                    agg.push(&sc.coded);
                }
            }
        };
        read_all(&mut sc, &mut agg);
        COUNTING.with(|c| c.set(true));
        for _ in 0..50 {
            read_all(&mut sc, &mut agg);
        }
        COUNTING.with(|c| c.set(false));
        assert_eq!(used, 4 * 51, "every row is used");
    });
    assert_eq!(
        ALLOCATIONS.with(Cell::get),
        0,
        "allocations after warming up"
    );
    // The answers were really read: texts, other texts, multi answers.
    let a = agg.finish();
    assert_eq!(a.verbatims.get("comments").map(|v| v.total), Some(2 * 51));
    assert_eq!(a.others.get("reason").map(|v| v.total), Some(51));
}

/// The atoms come out the same whether their segment values are coded in
/// mixed radix (every real survey) or numbered as met (a survey whose
/// segments' combinations would not fit in a `u64`), and however the rows
/// are split between aggregators that are merged.
#[test]
fn atoms_count_the_same_however_they_are_numbered() {
    let survey = exit_survey();
    // Row `i` goes to `aggs[pick(i)]`; the rest are merged into the first.
    let count = |mut aggs: Vec<Aggregator<'_>>, pick: &dyn Fn(usize) -> usize| {
        with_rows(&survey, |n, read| {
            let mut sc = Scratch::default();
            for i in 1..n {
                if read(i, &mut sc) {
                    aggs[pick(i)].push(&sc.coded);
                }
            }
        });
        let mut aggs = aggs.into_iter();
        let mut first = aggs.next().unwrap_or_else(|| panic!("no aggregator"));
        for a in aggs {
            first.merge(a);
        }
        first
            .finish()
            .atoms()
            .map(|(k, p, c)| format!("{k:?} {p:?} {c:?}"))
            .collect::<Vec<String>>()
    };
    let met = || {
        let mut a = Aggregator::new(&survey, 20);
        a.number_atoms_as_met();
        a
    };
    let radix = count(vec![Aggregator::new(&survey, 20)], &|_| 0);
    assert!(radix.len() >= 3, "{radix:?}");
    assert_eq!(count(vec![met()], &|_| 0), radix);
    assert_eq!(
        count(vec![met(), Aggregator::new(&survey, 20)], &|i| i % 2),
        radix
    );
    assert_eq!(
        count(vec![Aggregator::new(&survey, 20), met()], &|i| i % 2),
        radix
    );
}
