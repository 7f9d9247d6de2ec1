//! The integrated accounts the sandbox knows, what each integration requires
//! to create a user, and which users methods it supports.

/// One account per integration that supports creating users; the integration
/// is the account name without `sandbox-`.
///
/// A name with a further `-suffix` (`sandbox-dixa-2`, `sandbox-dixa-test-42`)
/// is another account of the same integration, with its own fault queue and
/// rate-limit window, so concurrent tests can stay out of each other's way.
pub const INTEGRATION_ACCOUNTS: [&str; 10] = [
    "sandbox-dixa",
    "sandbox-freshchat",
    "sandbox-gorgias",
    "sandbox-hive",
    "sandbox-pivotal-tracker",
    "sandbox-planhat",
    "sandbox-qualtrics-corexm",
    "sandbox-reamaze",
    "sandbox-solarwinds-service-desk",
    "sandbox-teamwork",
];

/// An account whose every call answers 503: the integrated account is blocked.
pub const BLOCKED_ACCOUNT: &str = "sandbox-blocked";

/// An account whose every write answers 405, as Truto does for sandbox accounts.
pub const READ_ONLY_ACCOUNT: &str = "sandbox-readonly";

/// The integrations behind [`INTEGRATION_ACCOUNTS`], in the same order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Integration {
    Dixa,
    Freshchat,
    Gorgias,
    Hive,
    PivotalTracker,
    Planhat,
    QualtricsCoreXm,
    Reamaze,
    SolarWindsServiceDesk,
    Teamwork,
}

const INTEGRATIONS: [Integration; 10] = [
    Integration::Dixa,
    Integration::Freshchat,
    Integration::Gorgias,
    Integration::Hive,
    Integration::PivotalTracker,
    Integration::Planhat,
    Integration::QualtricsCoreXm,
    Integration::Reamaze,
    Integration::SolarWindsServiceDesk,
    Integration::Teamwork,
];

impl Integration {
    /// Body fields that must be present and non-empty, in the order Truto
    /// lists them in `missing_required_body_fields`.
    pub(crate) fn required_body_fields(self) -> &'static [&'static str] {
        match self {
            Self::Dixa | Self::PivotalTracker | Self::Reamaze => &["name", "emails"],
            Self::Freshchat => &["emails", "nick_name"],
            Self::Gorgias | Self::Hive => &["emails"],
            Self::Planhat => &["emails", "first_name", "last_name"],
            Self::QualtricsCoreXm => &[
                "emails",
                "first_name",
                "last_name",
                "username",
                "password",
                "user_type",
                "languages",
            ],
            Self::SolarWindsServiceDesk => &["name"],
            Self::Teamwork => &[],
        }
    }

    /// Pivotal Tracker's users belong to a project, named by `collections`
    /// (on create and list).
    pub(crate) fn requires_collection(self) -> bool {
        self == Self::PivotalTracker
    }

    /// Whether Truto's reference lists this method for this integration.
    /// Everyone lists, gets and creates; update and delete are narrower.
    pub(crate) fn supports(self, method: UsersMethod) -> bool {
        match method {
            UsersMethod::List | UsersMethod::Get | UsersMethod::Create => true,
            UsersMethod::Update => !matches!(self, Self::Gorgias | Self::Reamaze),
            UsersMethod::Delete => self != Self::Reamaze,
        }
    }

    /// The name Truto's messages use.
    pub(crate) fn display_name(self) -> &'static str {
        match self {
            Self::Dixa => "Dixa",
            Self::Freshchat => "Freshchat",
            Self::Gorgias => "Gorgias",
            Self::Hive => "Hive",
            Self::PivotalTracker => "Pivotal Tracker",
            Self::Planhat => "Planhat",
            Self::QualtricsCoreXm => "Qualtrics CoreXM",
            Self::Reamaze => "Re:amaze",
            Self::SolarWindsServiceDesk => "SolarWinds Service Desk",
            Self::Teamwork => "Teamwork",
        }
    }
}

/// The five methods of the users resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UsersMethod {
    List,
    Get,
    Create,
    Update,
    Delete,
}

impl UsersMethod {
    /// As Truto's messages name it: `"... does not support update for ticketing/users"`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Get => "get",
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }

    /// Writes are what a read-only account refuses.
    pub(crate) fn writes(self) -> bool {
        matches!(self, Self::Create | Self::Update | Self::Delete)
    }

    /// Truto honours `Idempotency-Key` on POST and PATCH.
    pub(crate) fn takes_idempotency_key(self) -> bool {
        matches!(self, Self::Create | Self::Update)
    }
}

/// What an `integrated_account_id` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Account {
    Integration(Integration),
    Blocked,
    ReadOnly,
}

/// Resolves an account name, including `-suffix` variants; `None` is a 404.
pub(crate) fn lookup(account_id: &str) -> Option<Account> {
    let special = [
        (BLOCKED_ACCOUNT, Account::Blocked),
        (READ_ONLY_ACCOUNT, Account::ReadOnly),
    ];
    let known = INTEGRATION_ACCOUNTS
        .iter()
        .zip(INTEGRATIONS)
        .map(|(name, integration)| (*name, Account::Integration(integration)))
        .chain(special);
    // Longest name first, so that a suffix never makes one integration's
    // account look like another's.
    let mut best: Option<(usize, Account)> = None;
    for (name, account) in known {
        let matches = account_id == name
            || account_id
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|suffix| !suffix.is_empty());
        if matches && best.is_none_or(|(len, _)| name.len() > len) {
            best = Some((name.len(), account));
        }
    }
    best.map(|(_, account)| account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_names_and_suffixes_resolve() {
        assert_eq!(
            lookup("sandbox-dixa"),
            Some(Account::Integration(Integration::Dixa))
        );
        assert_eq!(
            lookup("sandbox-dixa-2"),
            Some(Account::Integration(Integration::Dixa))
        );
        assert_eq!(
            lookup("sandbox-pivotal-tracker-a-b"),
            Some(Account::Integration(Integration::PivotalTracker))
        );
        assert_eq!(lookup("sandbox-blocked"), Some(Account::Blocked));
        assert_eq!(lookup("sandbox-readonly-x"), Some(Account::ReadOnly));
    }

    #[test]
    fn update_and_delete_are_not_everywhere() {
        let unsupported: Vec<(&str, &str)> = INTEGRATIONS
            .iter()
            .flat_map(|integration| {
                [
                    UsersMethod::List,
                    UsersMethod::Get,
                    UsersMethod::Create,
                    UsersMethod::Update,
                    UsersMethod::Delete,
                ]
                .into_iter()
                .filter(|method| !integration.supports(*method))
                .map(|method| (integration.display_name(), method.name()))
            })
            .collect();
        assert_eq!(
            unsupported,
            [
                ("Gorgias", "update"),
                ("Re:amaze", "update"),
                ("Re:amaze", "delete")
            ]
        );
    }

    #[test]
    fn unknown_names_do_not_resolve() {
        for name in [
            "",
            "sandbox",
            "sandbox-",
            "sandbox-dixa-",
            "sandbox-dixax",
            "dixa",
        ] {
            assert_eq!(lookup(name), None, "{name}");
        }
    }
}
