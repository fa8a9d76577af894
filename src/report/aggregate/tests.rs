use super::*;

fn key(i: u32) -> [u8; 32] {
    let d: [u8; 32] = Sha256::digest(i.to_le_bytes()).into();
    d
}

proptest::proptest! {
    /// `after` orders hashes as their bytes do, ties in the first
    /// eight bytes included (`b` is `a` with a tail of its own).
    #[test]
    fn after_orders_hashes_by_their_bytes(
        a in proptest::array::uniform32(proptest::prelude::any::<u8>()),
        tail in proptest::array::uniform32(proptest::prelude::any::<u8>()),
        shared in 0usize..=32,
    ) {
        let mut b = tail;
        b[..shared].copy_from_slice(&a[..shared]);
        proptest::prop_assert_eq!(after(&a, &b), a > b);
        proptest::prop_assert_eq!(after(&b, &a), b > a);
    }
}

#[test]
fn verbatims_keep_the_smallest_keys_however_they_are_split() {
    let texts: Vec<(u32, String)> = (0..100)
        .map(|i| (i % 60, format!("text {}", i % 60)))
        .collect();
    let mut one = Verbatims::default();
    for (i, t) in &texts {
        one.push(key(*i), t, 5);
    }
    let mut want: Vec<[u8; 32]> = (0..60).map(key).collect();
    want.sort();
    want.truncate(5);
    assert_eq!(one.total, 100);
    assert_eq!(one.kept.keys().copied().collect::<Vec<_>>(), want);
    // Identical texts are kept once with their count.
    let counts: u64 = one.kept.values().map(|(_, n)| n).sum();
    assert!((5..=10).contains(&counts), "{counts}");
    // Two halves merged give the same as one pass.
    let (mut a, mut b) = (Verbatims::default(), Verbatims::default());
    for (n, (i, t)) in texts.iter().enumerate() {
        let half = if n % 3 == 0 { &mut a } else { &mut b };
        half.push(key(*i), t, 5);
    }
    a.merge(b, 5);
    assert_eq!(a, one);
}
