//! Row and column names, `family[entity,period]`, kept as their parts and
//! formatted only where they are written (exports, tables, messages).
//! Building a programme no longer formats one string per row and column:
//! the entity and period parts are shared (`Arc<str>`) by every name that
//! uses them.

use std::fmt;
use std::sync::Arc;

/// The name of a row or column: `family[entity,period]`, or
/// `family[entity]` for one that is not per period, or a text given whole
/// (a programme built by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    Parts {
        family: &'static str,
        entity: Arc<str>,
        period: Option<Arc<str>>,
    },
    Text(Arc<str>),
}

impl Name {
    /// `family[entity,period]`.
    pub fn at(family: &'static str, entity: &Arc<str>, period: &Arc<str>) -> Name {
        Name::Parts {
            family,
            entity: Arc::clone(entity),
            period: Some(Arc::clone(period)),
        }
    }

    /// `family[inside]`, for names built whole (a condition's row, a slack).
    pub fn whole(family: &'static str, inside: impl Into<Arc<str>>) -> Name {
        Name::Parts {
            family,
            entity: inside.into(),
            period: None,
        }
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::Text(text.into())
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::Text(text.into())
    }
}

impl fmt::Display for Name {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Parts {
                family,
                entity,
                period,
            } => {
                write!(formatter, "{family}[{entity}")?;
                if let Some(period) = period {
                    write!(formatter, ",{period}")?;
                }
                formatter.write_str("]")
            }
            Name::Text(text) => formatter.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_family_entity_period() {
        let entity: Arc<str> = Arc::from("health_visitor,london");
        let period: Arc<str> = Arc::from("2014/15");
        assert_eq!(
            Name::at("stock_balance", &entity, &period).to_string(),
            "stock_balance[health_visitor,london,2014/15]"
        );
        assert_eq!(
            Name::whole("target", "pledge,2014/15,min").to_string(),
            "target[pledge,2014/15,min]"
        );
        assert_eq!(Name::from("end").to_string(), "end");
    }
}
