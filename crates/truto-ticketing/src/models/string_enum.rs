//! Enums that travel as strings and keep values this SDK does not know yet.

/// Declares an enum of known wire strings plus `Unrecognized(String)`, so a value
/// Truto adds tomorrow is kept and readable instead of failing the whole response.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept as sent.
            Unrecognized(String),
        }

        impl $name {
            /// Every value this SDK knows, as sent on the wire.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unrecognized(other) => other,
                }
            }

            /// True for a value this SDK does not know.
            pub fn is_unrecognized(&self) -> bool {
                matches!(self, $name::Unrecognized(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> $name {
                match value {
                    $( $wire => $name::$variant, )+
                    other => $name::Unrecognized(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok($name::from(value.as_ref()))
            }
        }
    };
}

pub(crate) use string_enum;
