//! String enums: values stored as text and sent as JSON strings. One macro
//! declares the enum, its serde and OpenAPI names, `as_str`, `parse`, `ALL`,
//! and [`StrEnum::stored`], which turns a stored value that does not parse
//! into a logged 500 rather than a silent default.

use crate::error::ApiError;

/// What [`string_enum!`](crate::string_enum) gives every enum it declares.
pub trait StrEnum: Copy + Sized + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// What the enum is called in log lines: `"project status"`.
    const WHAT: &'static str;

    fn as_str(self) -> &'static str;

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// A value read from the database: one that does not parse is a bug or a
    /// damaged row, answered 500 and logged with the raw value.
    fn stored(raw: &str) -> Result<Self, ApiError> {
        crate::error::stored(Self::parse(raw), Self::WHAT, raw)
    }
}

/// Declares a string enum: `string_enum! { "project status" pub enum
/// ProjectStatus { Planned = "planned", Active = "active" } }`. Attributes
/// before the name (docs, `#[derive(ToSchema)]`) are kept.
#[macro_export]
macro_rules! string_enum {
    (
        $what:literal
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $crate::db::enums::StrEnum for $name {
            const ALL: &'static [Self] = &[$( Self::$variant ),+];
            const WHAT: &'static str = $what;

            fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $text ),+
                }
            }
        }

        #[allow(dead_code)]
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = <Self as $crate::db::enums::StrEnum>::ALL;

            pub fn as_str(self) -> &'static str {
                <Self as $crate::db::enums::StrEnum>::as_str(self)
            }

            pub fn parse(s: &str) -> Option<Self> {
                <Self as $crate::db::enums::StrEnum>::parse(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::StrEnum;

    crate::string_enum! {
        "colour"
        enum Colour { Red = "red", DarkBlue = "dark_blue" }
    }

    #[test]
    fn values_round_trip_as_text_and_json() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{c}\""));
            assert_eq!(serde_json::from_str::<Colour>(&json).unwrap(), *c);
        }
        assert_eq!(Colour::parse("blue"), None);
    }

    #[test]
    fn a_stored_value_that_does_not_parse_is_an_internal_error() {
        assert_eq!(Colour::stored("dark_blue").unwrap(), Colour::DarkBlue);
        let err = Colour::stored("purple").unwrap_err();
        assert_eq!(err.code(), crate::error::ProblemCode::InternalError);
    }
}
