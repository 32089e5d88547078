//! The small linear expression language of targets, limits and objectives
//! (DESIGN.md section 2): named quantities with `*` sums, numbers, `+`, `-`,
//! `*` by constants and parentheses. Parsing gives a `LinearForm` over
//! unresolved `QuantityRef`s; `model` resolves the names to entities.
//!
//! ```text
//! expression := term (('+' | '-') term)*
//! term       := unary ('*' unary)*        at most one non-constant factor
//! unary      := ('-' | '+')* primary      signs are counted in a loop
//! primary    := number | '(' expression ')' | name ['(' args ')'] ['.' name]
//! args       := arg (',' arg)*
//! arg        := ('*' | id | (id | '*') '->' (id | '*')) ['@' where]
//! where      := region | (region | '*') '->' (region | '*')
//! ```
//!
//! `@ a -> b` selects the moves between regions from a to b (`*`: any).
//!
//! The parser recurses only into parentheses, and refuses nesting deeper
//! than `MAX_NESTING`, so no input can exhaust the stack. Numbers must be
//! finite and below `MAX_MAGNITUDE` (HiGHS reads 1e20 as infinity).

use std::fmt;

/// The deepest nesting of parentheses an expression may have.
pub const MAX_NESTING: usize = 50;

/// The largest magnitude of a number anywhere in a model: HiGHS treats
/// 1e20 and above as infinite.
pub const MAX_MAGNITUDE: f64 = 1e20;

/// One argument of a quantity: `*`, an id, or a link `a -> b`.
#[derive(Debug, Clone, PartialEq)]
pub enum Argument {
    All,
    Id(String),
    Link(Option<String>, Option<String>),
}

/// A named quantity as written, e.g. `hire(*, international)` or `cost.salary`.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantityRef {
    pub name: String,
    pub arguments: Vec<Argument>,
    /// The region selector of each argument (`stock(hv @ london)`), in
    /// step with `arguments`; None sums over every region.
    pub regions: Vec<Option<String>>,
    /// The pair of regions of each argument written `@ a -> b` (None for
    /// `*`), in step with `arguments`; such an argument's `regions` entry
    /// is None. Only moves between regions take it.
    pub region_pairs: Vec<Option<RegionPair>>,
    /// 1-based column of the name in the expression text, for messages.
    pub column: usize,
}

/// `@ from -> to`: the regions staff leave and arrive in (None: any).
pub type RegionPair = (Option<String>, Option<String>);

/// `constant + Σ coefficient·quantity`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinearForm {
    pub terms: Vec<(f64, QuantityRef)>,
    pub constant: f64,
}

impl LinearForm {
    fn scale(mut self, factor: f64) -> Self {
        self.constant *= factor;
        for (coefficient, _) in &mut self.terms {
            *coefficient *= factor;
        }
        self
    }

    fn add(mut self, other: LinearForm, sign: f64) -> Self {
        self.constant += sign * other.constant;
        self.terms
            .extend(other.terms.into_iter().map(|(c, q)| (sign * c, q)));
        self
    }
}

/// A parse failure with the 1-based column where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses an expression into a linear form.
pub fn parse(text: &str) -> Result<LinearForm, ParseError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        position: 0,
        depth: 0,
    };
    let form = parser.expression()?;
    parser.skip_spaces();
    if parser.position < parser.chars.len() {
        return Err(parser.error(format!("unexpected '{}'", parser.chars[parser.position])));
    }
    Ok(form)
}

struct Parser {
    chars: Vec<char>,
    position: usize,
    /// Parentheses open at the current position.
    depth: usize,
}

impl Parser {
    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            column: self.position + 1,
            message: message.into(),
        }
    }

    fn skip_spaces(&mut self) {
        while self.position < self.chars.len() && self.chars[self.position].is_whitespace() {
            self.position += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_spaces();
        self.chars.get(self.position).copied()
    }

    fn eat(&mut self, wanted: char) -> bool {
        if self.peek() == Some(wanted) {
            self.position += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, wanted: char) -> Result<(), ParseError> {
        if self.eat(wanted) {
            Ok(())
        } else {
            let found = match self.peek() {
                Some(c) => format!("'{c}'"),
                None => "the end".to_string(),
            };
            Err(self.error(format!("expected '{wanted}', found {found}")))
        }
    }

    fn expression(&mut self) -> Result<LinearForm, ParseError> {
        let mut form = self.term()?;
        loop {
            if self.eat('+') {
                form = form.add(self.term()?, 1.0);
            } else if self.peek() == Some('-') && self.chars.get(self.position + 1) != Some(&'>') {
                self.position += 1;
                form = form.add(self.term()?, -1.0);
            } else {
                return Ok(form);
            }
        }
    }

    fn term(&mut self) -> Result<LinearForm, ParseError> {
        let mut form = self.unary()?;
        loop {
            self.skip_spaces();
            let column = self.position + 1;
            if !self.eat('*') {
                return Ok(form);
            }
            let right = self.unary()?;
            form = if right.terms.is_empty() {
                form.scale(right.constant)
            } else if form.terms.is_empty() {
                right.scale(form.constant)
            } else {
                return Err(ParseError {
                    column,
                    message: "two quantities multiplied together: an expression must be linear (multiply only by numbers)".into(),
                });
            };
        }
    }

    fn unary(&mut self) -> Result<LinearForm, ParseError> {
        let mut sign = 1.0;
        loop {
            if self.eat('-') {
                sign = -sign;
            } else if !self.eat('+') {
                break;
            }
        }
        let form = self.primary()?;
        Ok(if sign < 0.0 { form.scale(-1.0) } else { form })
    }

    fn primary(&mut self) -> Result<LinearForm, ParseError> {
        match self.peek() {
            None => Err(self.error("expected a number or a quantity, found the end")),
            Some('(') => {
                if self.depth >= MAX_NESTING {
                    return Err(
                        self.error(format!("parentheses nested more than {MAX_NESTING} deep"))
                    );
                }
                self.position += 1;
                self.depth += 1;
                let inner = self.expression()?;
                self.expect(')')?;
                self.depth -= 1;
                Ok(inner)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if c.is_alphabetic() || c == '_' => self.quantity(),
            Some(c) => {
                Err(self.error(format!("unexpected '{c}'; expected a number or a quantity")))
            }
        }
    }

    fn number(&mut self) -> Result<LinearForm, ParseError> {
        let start = self.position;
        while self.position < self.chars.len() {
            let c = self.chars[self.position];
            let exponent_sign = (c == '-' || c == '+')
                && self.position > start
                && matches!(self.chars[self.position - 1], 'e' | 'E');
            if c.is_ascii_digit() || c == '.' || c == '_' || c == 'e' || c == 'E' || exponent_sign {
                self.position += 1;
            } else {
                break;
            }
        }
        let text: String = self.chars[start..self.position]
            .iter()
            .filter(|c| **c != '_')
            .collect();
        let constant = text.parse::<f64>().map_err(|_| ParseError {
            column: start + 1,
            message: format!("'{text}' is not a number"),
        })?;
        if !constant.is_finite() || constant.abs() >= MAX_MAGNITUDE {
            return Err(ParseError {
                column: start + 1,
                message: format!("'{text}' is too large: numbers must be below 1e20 in magnitude"),
            });
        }
        Ok(LinearForm {
            terms: Vec::new(),
            constant,
        })
    }

    fn identifier(&mut self, allow_dots: bool) -> Option<String> {
        self.skip_spaces();
        let start = self.position;
        while self.position < self.chars.len() {
            let c = self.chars[self.position];
            let arrow = c == '-' && self.chars.get(self.position + 1) == Some(&'>');
            if (c.is_alphanumeric() || c == '_' || c == '-' || (allow_dots && c == '.')) && !arrow {
                self.position += 1;
            } else {
                break;
            }
        }
        (self.position > start).then(|| self.chars[start..self.position].iter().collect())
    }

    fn quantity(&mut self) -> Result<LinearForm, ParseError> {
        self.skip_spaces();
        let column = self.position + 1;
        let start = self.position;
        while self.position < self.chars.len()
            && (self.chars[self.position].is_alphanumeric() || self.chars[self.position] == '_')
        {
            self.position += 1;
        }
        let mut name: String = self.chars[start..self.position].iter().collect();
        let mut arguments = Vec::new();
        let mut regions = Vec::new();
        let mut region_pairs = Vec::new();
        if self.eat('(') {
            loop {
                arguments.push(self.argument()?);
                let (region, pair) = if self.eat('@') {
                    self.region_selector()?
                } else {
                    (None, None)
                };
                regions.push(region);
                region_pairs.push(pair);
                if self.eat(',') {
                    continue;
                }
                self.expect(')')?;
                break;
            }
        }
        if self.position < self.chars.len() && self.chars[self.position] == '.' {
            self.position += 1;
            let part = self
                .identifier(false)
                .ok_or_else(|| self.error(format!("expected a name after '{name}.'")))?;
            name = format!("{name}.{part}");
        }
        Ok(LinearForm {
            terms: vec![(
                1.0,
                QuantityRef {
                    name,
                    arguments,
                    regions,
                    region_pairs,
                    column,
                },
            )],
            constant: 0.0,
        })
    }

    /// After '@': a region, or a pair `a -> b` of regions or `*`.
    #[allow(clippy::type_complexity)]
    fn region_selector(&mut self) -> Result<(Option<String>, Option<RegionPair>), ParseError> {
        let region = |parser: &mut Self| -> Result<Option<String>, ParseError> {
            if parser.eat('*') {
                return Ok(None);
            }
            parser.identifier(false).map(Some).ok_or_else(|| {
                let found = match parser.peek() {
                    Some(c) => format!("'{c}'"),
                    None => "the end".to_string(),
                };
                parser.error(format!("expected a region id after '@', found {found}"))
            })
        };
        let from = region(self)?;
        self.skip_spaces();
        if self.chars.get(self.position) == Some(&'-')
            && self.chars.get(self.position + 1) == Some(&'>')
        {
            self.position += 2;
            let to = region(self)?;
            return Ok((None, Some((from, to))));
        }
        match from {
            Some(region) => Ok((Some(region), None)),
            None => Err(self.error(
                "'@ *' selects nothing: write '@ region', or '@ a -> b' for moves between regions ('*' for any)",
            )),
        }
    }

    fn argument(&mut self) -> Result<Argument, ParseError> {
        let first = self.link_end()?;
        self.skip_spaces();
        if self.chars.get(self.position) == Some(&'-')
            && self.chars.get(self.position + 1) == Some(&'>')
        {
            self.position += 2;
            let second = self.link_end()?;
            return Ok(Argument::Link(first, second));
        }
        Ok(match first {
            None => Argument::All,
            Some(id) => Argument::Id(id),
        })
    }

    /// An id or `*` (None).
    fn link_end(&mut self) -> Result<Option<String>, ParseError> {
        if self.eat('*') {
            return Ok(None);
        }
        match self.identifier(true) {
            Some(id) => Ok(Some(id)),
            None => {
                let found = match self.peek() {
                    Some(c) => format!("'{c}'"),
                    None => "the end".to_string(),
                };
                Err(self.error(format!("expected an id or '*', found {found}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantity(name: &str, arguments: Vec<Argument>, column: usize) -> QuantityRef {
        QuantityRef {
            name: name.into(),
            regions: vec![None; arguments.len()],
            region_pairs: vec![None; arguments.len()],
            arguments,
            column,
        }
    }

    #[test]
    fn parses_region_selectors() {
        let form = parse("stock(hv @ london) + hire(*@north, nq) + move(a -> b @ london)").unwrap();
        assert_eq!(form.terms[0].1.arguments, vec![Argument::Id("hv".into())]);
        assert_eq!(form.terms[0].1.regions, vec![Some("london".to_string())]);
        assert_eq!(
            form.terms[1].1.arguments,
            vec![Argument::All, Argument::Id("nq".into())]
        );
        assert_eq!(
            form.terms[1].1.regions,
            vec![Some("north".to_string()), None]
        );
        assert_eq!(form.terms[2].1.regions, vec![Some("london".to_string())]);
        let error = parse("stock(hv @ )").unwrap_err();
        assert!(
            error.message.contains("region id after '@'"),
            "{}",
            error.message
        );
    }

    #[test]
    fn parses_pairs_of_regions() {
        let form =
            parse("move(relocation @ london -> north) + move(a -> b @north->*) - move(*@ * -> x)")
                .unwrap();
        let pair =
            |a: Option<&str>, b: Option<&str>| Some((a.map(str::to_string), b.map(str::to_string)));
        assert_eq!(
            form.terms[0].1.arguments,
            vec![Argument::Id("relocation".into())]
        );
        assert_eq!(form.terms[0].1.regions, vec![None]);
        assert_eq!(
            form.terms[0].1.region_pairs,
            vec![pair(Some("london"), Some("north"))]
        );
        assert_eq!(
            form.terms[1].1.region_pairs,
            vec![pair(Some("north"), None)]
        );
        assert_eq!(form.terms[2].1.region_pairs, vec![pair(None, Some("x"))]);
        let error = parse("move(x @ *)").unwrap_err();
        assert!(error.message.contains("'@ *'"), "{}", error.message);
        let error = parse("move(x @ a -> )").unwrap_err();
        assert!(
            error.message.contains("region id after '@'"),
            "{}",
            error.message
        );
    }

    #[test]
    fn parses_a_ratio_limit() {
        let form = parse("move(semi -> skilled) - 0.25 * stock(skilled)").unwrap();
        assert_eq!(form.constant, 0.0);
        assert_eq!(
            form.terms,
            vec![
                (
                    1.0,
                    quantity(
                        "move",
                        vec![Argument::Link(Some("semi".into()), Some("skilled".into()))],
                        1
                    )
                ),
                (
                    -0.25,
                    quantity("stock", vec![Argument::Id("skilled".into())], 32)
                ),
            ]
        );
    }

    #[test]
    fn parses_stars_dots_and_parentheses() {
        let form = parse("2 * (hire(*, international) + cost.salary) - 3").unwrap();
        assert_eq!(form.constant, -3.0);
        assert_eq!(form.terms[0].0, 2.0);
        assert_eq!(
            form.terms[0].1.arguments,
            vec![Argument::All, Argument::Id("international".into())]
        );
        assert_eq!(form.terms[1].1.name, "cost.salary");
    }

    #[test]
    fn ids_may_hold_hyphens() {
        let form = parse("move(semi-skilled->skilled)").unwrap();
        assert_eq!(
            form.terms[0].1.arguments,
            vec![Argument::Link(
                Some("semi-skilled".into()),
                Some("skilled".into())
            )]
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}stock(a){}", "(".repeat(20_000), ")".repeat(20_000));
        let error = parse(&deep).unwrap_err();
        assert!(error.message.contains("nested"), "{}", error.message);
        assert_eq!(error.column, MAX_NESTING + 1);
        let shallow = format!(
            "{}stock(a){}",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        assert!(parse(&shallow).is_ok());
    }

    #[test]
    fn many_signs_are_counted_without_recursion() {
        let odd = format!("{}stock(a)", "-".repeat(100_001));
        assert_eq!(parse(&odd).unwrap().terms[0].0, -1.0);
        let even = format!("{}3", "- + -".repeat(50_000));
        assert_eq!(parse(&even).unwrap().constant, 3.0);
    }

    #[test]
    fn numbers_of_1e20_and_more_are_refused() {
        for text in ["1e20 * stock(a)", "1e999 * stock(a)", "stock(a) - 2e300"] {
            let error = parse(text).unwrap_err();
            assert!(
                error.message.contains("too large"),
                "{text}: {}",
                error.message
            );
        }
        assert!(parse("9.9e19 * stock(a)").is_ok());
    }

    #[test]
    fn reports_the_column_of_an_error() {
        let error = parse("stock(hv").unwrap_err();
        assert_eq!(error.column, 9);
        let error = parse("stock(a) * stock(b)").unwrap_err();
        assert_eq!(error.column, 10);
        assert!(error.message.contains("linear"));
        let error = parse("stock(a) + ").unwrap_err();
        assert!(error.message.contains("the end"));
    }
}
