//! The behaviour every generated string enum shares, implemented once from a table of its
//! variants and their wire values.

/// Implements a generated string enum's behaviour from its known variants and their values on
/// the wire: an `as_str` method, `From<&str>` (a value the table lacks becomes `Other`, so a
/// value the provider adds later still decodes), `Display`, serde as a plain string, and
/// [`ParamValue`](crate::ParamValue).
///
/// The enum itself is declared by the generated crate, with its docs; it must have an
/// `Other(String)` variant besides the listed ones. Every path here is absolute: the generated
/// crate may have types called `Option`, `String` or `Ok`.
#[macro_export]
macro_rules! string_enum {
    ($name:ident, [$($variant:ident = $value:literal),* $(,)?]) => {
        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $value,)*
                    $name::Other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => $name::$variant,)*
                    other => $name::Other(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::string::String =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }

        impl $crate::ParamValue for $name {
            fn each(&self, send: &mut dyn ::std::ops::FnMut(&str)) {
                send(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::ParamValue;

    /// A status, as a generated crate declares it.
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    enum Status {
        Active,
        OnHold,
        Other(String),
    }

    crate::string_enum!(Status, [Active = "active", OnHold = "on_hold"]);

    #[test]
    fn known_values_map_both_ways_and_unknown_ones_are_kept() {
        assert_eq!(Status::OnHold.as_str(), "on_hold");
        assert_eq!(Status::from("active"), Status::Active);
        assert_eq!(Status::from("paused"), Status::Other("paused".into()));
        assert_eq!(Status::Other("paused".into()).to_string(), "paused");
    }

    #[test]
    fn serde_and_parameters_use_the_wire_value() {
        let statuses: Vec<Status> = serde_json::from_str(r#"["on_hold", "new"]"#).unwrap();
        assert_eq!(statuses, [Status::OnHold, Status::Other("new".into())]);
        assert_eq!(
            serde_json::to_string(&statuses).unwrap(),
            r#"["on_hold","new"]"#
        );
        let mut sent = Vec::new();
        statuses.each(&mut |value| sent.push(value.to_owned()));
        assert_eq!(sent, ["on_hold", "new"]);
    }
}
