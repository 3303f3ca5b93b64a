//! Amounts as people read them: `IDR 155,500,000`, `EUR 1,500,000.50`, or with a
//! folder's own separators and symbols (`Rp 155.500.000`). Machine formats never use this:
//! they keep amounts exact and ungrouped.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

/// The separators and currency symbols of `[format]` in `crm.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyStyle {
    /// Between groups of three digits; empty for none.
    pub thousands: String,
    /// Before the cents.
    pub decimal: String,
    /// What to write for a currency code (`IDR` → `Rp`); the code itself otherwise.
    pub symbols: BTreeMap<String, String>,
}

impl Default for MoneyStyle {
    fn default() -> MoneyStyle {
        MoneyStyle {
            thousands: ",".into(),
            decimal: ".".into(),
            symbols: BTreeMap::new(),
        }
    }
}

impl MoneyStyle {
    /// A number, rounded to cents, grouped: two decimals unless it is whole.
    pub fn number(&self, d: Decimal) -> String {
        let d = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        let negative = d.is_sign_negative() && !d.is_zero();
        let abs = d.abs();
        let whole = abs.trunc();
        let digits = whole.normalize().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push_str(&self.thousands);
            }
            grouped.push(ch);
        }
        let cents = ((abs - whole) * Decimal::ONE_HUNDRED).trunc();
        if !cents.is_zero() {
            grouped.push_str(&self.decimal);
            grouped.push_str(&format!("{:02}", cents.normalize()));
        }
        if negative {
            format!("-{grouped}")
        } else {
            grouped
        }
    }

    /// The currency as written: its symbol, else its code.
    pub fn symbol<'a>(&'a self, currency: &'a str) -> &'a str {
        self.symbols
            .get(currency)
            .map(String::as_str)
            .unwrap_or(currency)
    }

    /// `IDR 155,500,000`.
    pub fn amount(&self, currency: &str, d: Decimal) -> String {
        format!("{} {}", self.symbol(currency), self.number(d))
    }
}

/// About how many powers of ten of a currency one US dollar is worth: 4 for the rupiah
/// (about 16,000 to the dollar), 2 for the yen, 0 for the euro. Orders of magnitude, not
/// rates: `crm init --currency` sizes the loyalty tiers it writes with them, so a new
/// folder's tiers mean about the same in any currency (and are round numbers in it).
/// Currencies not listed are taken as about a dollar.
pub fn dollar_magnitude(code: &str) -> u32 {
    match code {
        "IRR" => 5,
        "IDR" | "VND" | "UZS" | "LAK" | "KHR" | "MNT" | "COP" | "PYG" | "GNF" | "SLE" | "UGX"
        | "LBP" => 4,
        "KRW" | "HUF" | "CLP" | "NGN" | "KZT" | "MMK" | "TZS" | "MGA" | "IQD" | "AMD" | "CDF"
        | "RWF" | "XOF" | "XAF" | "ISK" | "ARS" | "SYP" => 3,
        "JPY" | "INR" | "PHP" | "THB" | "PKR" | "LKR" | "TWD" | "RUB" | "NPR" | "BDT" | "KES"
        | "DZD" | "ETB" | "RSD" | "KGS" | "AFN" | "UAH" | "EGP" | "MUR" | "HTG" | "JMD" | "DOP"
        | "UYU" | "TRY" | "CZK" => 2,
        "MXN" | "ZAR" | "BRL" | "CNY" | "HKD" | "SEK" | "NOK" | "DKK" | "MYR" | "PLN" | "MAD"
        | "GHS" | "BOB" | "PEN" | "AED" | "SAR" | "QAR" | "ILS" | "RON" | "TTD" | "GTQ" => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn groups_and_keeps_cents_only_when_there_are_some() {
        let s = MoneyStyle::default();
        assert_eq!(s.amount("IDR", d("155500000")), "IDR 155,500,000");
        assert_eq!(s.amount("EUR", d("1500000.5")), "EUR 1,500,000.50");
        assert_eq!(s.amount("USD", d("999")), "USD 999");
        assert_eq!(s.amount("USD", d("1000")), "USD 1,000");
        assert_eq!(s.amount("USD", d("0")), "USD 0");
        assert_eq!(s.amount("USD", d("0.004")), "USD 0");
        assert_eq!(s.amount("USD", d("0.005")), "USD 0.01");
        assert_eq!(s.amount("USD", d("-1234567.891")), "USD -1,234,567.89");
        assert_eq!(s.number(d("100000.00")), "100,000");
        assert_eq!(s.number(d("1000000000000000")), "1,000,000,000,000,000");
    }

    #[test]
    fn a_folder_in_indonesia_writes_rupiah_its_way() {
        let s = MoneyStyle {
            thousands: ".".into(),
            decimal: ",".into(),
            symbols: [("IDR".to_string(), "Rp".to_string())].into(),
        };
        assert_eq!(s.amount("IDR", d("155500000")), "Rp 155.500.000");
        assert_eq!(s.amount("EUR", d("2.5")), "EUR 2,50");
        let none = MoneyStyle {
            thousands: String::new(),
            ..MoneyStyle::default()
        };
        assert_eq!(none.number(d("1234567")), "1234567");
    }
}
