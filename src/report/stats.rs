//! Small statistics with no division by zero: an empty input gives `None`.

use rust_decimal::{Decimal, RoundingStrategy};

/// `num / den`, or `None` when `den` is zero.
pub fn ratio(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        None
    } else {
        Some(num / den)
    }
}

pub fn share(part: usize, whole: usize) -> Option<Decimal> {
    ratio(Decimal::from(part), Decimal::from(whole))
}

pub fn mean(values: &[Decimal]) -> Option<Decimal> {
    ratio(values.iter().sum(), Decimal::from(values.len()))
}

/// The middle value; the mean of the two middle values for an even count.
pub fn median(values: &[Decimal]) -> Option<Decimal> {
    let mut v = values.to_vec();
    v.sort();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / Decimal::TWO),
    }
}

/// Rounds half away from zero, as people do by hand.
pub fn round(d: Decimal, places: u32) -> Decimal {
    d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn no_division_by_zero() {
        assert_eq!(ratio(d("1"), d("0")), None);
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&[]), None);
        assert_eq!(share(0, 0), None);
    }

    #[test]
    fn median_and_mean() {
        assert_eq!(median(&[d("5"), d("1"), d("3")]), Some(d("3")));
        assert_eq!(median(&[d("4"), d("1"), d("3"), d("10")]), Some(d("3.5")));
        assert_eq!(mean(&[d("1"), d("2")]), Some(d("1.5")));
        assert_eq!(round(d("2.25"), 1), d("2.3"));
        assert_eq!(round(d("2.50"), 1), d("2.5"));
    }
}
