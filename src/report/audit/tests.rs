//! The plan's choices on the classic counter-examples, checked by what
//! they show; `tests/attacker` is the independent oracle.
use super::*;
use crate::report::aggregate::Cell;

fn cells(ns: &[(Vec<usize>, u64)]) -> Vec<(Vec<usize>, Cell)> {
    ns.iter()
        .map(|(k, n)| {
            (
                k.clone(),
                Cell {
                    n: *n,
                    q: Vec::new(),
                },
            )
        })
        .collect()
}

fn run(sizes: &[usize], ns: &[(Vec<usize>, u64)], k: u64) -> Plan {
    let cells = cells(ns);
    let atoms: Vec<Atom> = cells
        .iter()
        .filter(|(_, c)| c.n > 0)
        .map(|(key, cell)| Atom { key, cell })
        .collect();
    let layout = Layout {
        questions: &[],
        segments: &[],
        sizes,
    };
    plan(&layout, &atoms, k)
}

#[test]
fn thirteen_leavers_show_the_total_only() {
    // Tech 9, Sales 4: Tech beside the total gives Sales away.
    let p = run(&[3], &[(vec![0], 9), (vec![1], 4)], 5);
    assert!(p.size_shown(GroupId::Overall));
    assert!(!p.size_shown(GroupId::Value(0, 0)));
    assert!(!p.size_shown(GroupId::Value(0, 1)));
}

#[test]
fn small_groups_are_combined_where_that_is_safe() {
    // Eng 14, Sales 11, Support 8, Ops 3, Finance 2.
    let ns: Vec<(Vec<usize>, u64)> = [14, 11, 8, 3, 2]
        .iter()
        .enumerate()
        .map(|(i, n)| (vec![i], *n))
        .collect();
    let p = run(&[6], &ns, 5);
    for v in 0..3 {
        assert!(p.size_shown(GroupId::Value(0, v)), "{v}");
    }
    assert!(p.size_shown(GroupId::Merged(0)));
    assert_eq!(p.merged.get(&0), Some(&vec![3, 4]));
}

#[test]
fn dept_and_tenure_cannot_isolate_one_person() {
    // (dept, tenure): d0 = {t0: 6}; d1 = {t0: 1, t1: 8}: t0 − d0 is
    // the one person in (d1, t0).
    let p = run(
        &[3, 3],
        &[(vec![0, 0], 6), (vec![1, 0], 1), (vec![1, 1], 8)],
        5,
    );
    assert!(
        !(p.size_shown(GroupId::Value(0, 0)) && p.size_shown(GroupId::Value(1, 0))),
        "{p:?}"
    );
}

#[test]
fn the_four_by_four_table_keeps_its_margins() {
    // The bridge counter-example: every row and column hides 0 or ≥ 2
    // small cells, and publishing the margins *and the large cells*
    // makes the bridge cell (1,2) derivable. The report never prints
    // single cells of a two-way table; the margins alone span no
    // vector on fewer than k (α_r + β_c vanishes on no row or column
    // whose small cells outweigh its large one), so all of them stay.
    let hidden = [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
        (1, 2),
        (2, 2),
        (2, 3),
        (3, 2),
        (3, 3),
    ];
    let mut ns = Vec::new();
    for r in 0..4 {
        for c in 0..4 {
            let n = if hidden.contains(&(r, c)) {
                1 + ((r + c) % 3) as u64
            } else {
                6 + (r * 4 + c) as u64
            };
            ns.push((vec![r, c], n));
        }
    }
    let p = run(&[4, 4], &ns, 5);
    let shown = (0..4)
        .flat_map(|v| [GroupId::Value(0, v), GroupId::Value(1, v)])
        .filter(|g| p.size_shown(*g))
        .count();
    assert_eq!(shown, 8);
}
