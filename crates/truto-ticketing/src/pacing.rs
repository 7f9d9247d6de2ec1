//! Truto's rate limits, learned from its answers and shared by every call of a client
//! (single calls, list pages, bulk imports), so that calls wait for a window with room
//! instead of each finding the limit with a 429.
//!
//! Truto counts requests in fixed windows: per integrated account (documented: 50 per
//! 10 s) and per API token (500 per 10 s), and reports the tighter of the two on each
//! answer (`ratelimit-limit: 50;w=10`, `ratelimit-remaining`, `ratelimit-reset` in
//! seconds). For each window the pacer keeps how many requests it may still send and when
//! the window ends:
//!
//! - a request is sent only when both its account's window and the token's have room:
//!   the limit, less the requests of ours sent in the window, less those the server
//!   counted for someone else (what its least reported `remaining` says it counted,
//!   beyond our answered requests). Answers arrive out of order, so the latest one is
//!   not the server's latest count;
//! - an answer with `remaining = limit - 1` was the first of a server window, so the
//!   window ends one window length after that answer arrived (a little after the
//!   server's own end, never before it);
//! - the smallest limit an account's answers report is that account's; a larger one is
//!   the token's, shared by every account;
//! - a 429 closes the account's window until its `Retry-After` (or `ratelimit-reset`);
//! - until answers report a limit, requests are not held back: a server that reports
//!   none is paced by its 429s alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http::HeaderMap;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Truto's documented window, for a `ratelimit-limit` without `w=` and a 429 that says
/// nothing of when to come back.
const DOCUMENTED_WINDOW: Duration = Duration::from_secs(10);
/// How long a request waits before looking again when no window end is known yet (its
/// window is full and the answers that will tell are still on their way).
const RECHECK: Duration = Duration::from_millis(50);

/// The pacing state of one client: a window per account and one for the token.
#[derive(Default)]
pub(crate) struct Pacing {
    windows: Mutex<Windows>,
    /// Woken whenever an answer may have made room.
    changed: Notify,
}

#[derive(Default)]
struct Windows {
    accounts: HashMap<String, Window>,
    token: Option<Window>,
}

/// What a rate-limit answer said, read from its headers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Reported {
    limit: Option<(u32, Duration)>,
    remaining: Option<u32>,
    reset: Option<Duration>,
}

impl Reported {
    pub(crate) fn from_headers(headers: &HeaderMap) -> Reported {
        let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        // `50;w=10`: the limit, and the window in seconds when given.
        let limit = text("ratelimit-limit").and_then(|value| {
            let mut parts = value.split(';');
            let limit = parts.next()?.trim().parse().ok()?;
            let window = parts
                .filter_map(|part| part.trim().strip_prefix("w="))
                .find_map(|seconds| seconds.trim().parse::<f64>().ok())
                .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
                .map_or(DOCUMENTED_WINDOW, Duration::from_secs_f64);
            Some((limit, window))
        });
        let remaining = text("ratelimit-remaining").and_then(|value| value.trim().parse().ok());
        let reset = text("ratelimit-reset")
            .and_then(|value| value.trim().parse::<f64>().ok())
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .map(|seconds| Duration::from_secs_f64(seconds.min(3600.0)));
        Reported {
            limit,
            remaining,
            reset,
        }
    }
}

#[derive(Debug, Clone)]
struct Window {
    /// Requests per window; `u32::MAX` until an answer reports the limit.
    limit: u32,
    length: Duration,
    /// Whether `limit` and `length` were read from an answer.
    learned: bool,
    /// Counts the windows; a ticket remembers the one its request was sent in.
    epoch: u64,
    /// Requests of ours the server counts in this window: those sent in it, and those of
    /// the last window still unanswered when it ended.
    taken: u32,
    /// Of those, the ones answered with a report of this window.
    answered: u32,
    /// The least `remaining` this window's answers reported: the server's count as of
    /// the latest of our requests it has answered.
    least_remaining: Option<u32>,
    /// A 429 closed the window until it ends.
    closed: bool,
    /// When the window ends; `None` until an answer says.
    ends: Option<Instant>,
    /// Requests sent and not yet answered.
    in_flight: u32,
}

impl Window {
    fn unknown() -> Window {
        Window {
            limit: u32::MAX,
            length: DOCUMENTED_WINDOW,
            learned: false,
            epoch: 0,
            taken: 0,
            answered: 0,
            least_remaining: None,
            closed: false,
            ends: None,
            in_flight: 0,
        }
    }

    /// Opens the next window once this one has ended.
    fn roll(&mut self, now: Instant) {
        if self.ends.is_some_and(|ends| now >= ends) {
            self.epoch += 1;
            self.ends = None;
            self.taken = self.in_flight;
            self.answered = 0;
            self.least_remaining = None;
            self.closed = false;
        }
    }

    /// Requests that may still be sent in this window.
    fn room(&self) -> u32 {
        if self.closed {
            return 0;
        }
        if !self.learned {
            return u32::MAX;
        }
        // The server had counted `limit - least` requests when it answered the latest of
        // ours; at least `answered` of them were ours, the rest someone else's (a request
        // of ours counted earlier and still unanswered is taken for someone else's until
        // its answer comes).
        let others = self.least_remaining.map_or(0, |least| {
            self.limit
                .saturating_sub(least)
                .saturating_sub(self.answered)
        });
        self.limit.saturating_sub(self.taken).saturating_sub(others)
    }

    /// When a request may be sent, `None` meaning now.
    fn wait(&self, now: Instant) -> Option<Instant> {
        if self.room() > 0 {
            None
        } else {
            Some(self.ends.unwrap_or(now + RECHECK))
        }
    }

    /// Takes a place and says in which window. A known limit whose window has no known
    /// end starts one now (a little before the server's, which started at this request's
    /// arrival): answers that stop reporting the limit then still let the next window open.
    fn take(&mut self, now: Instant) -> u64 {
        if self.learned && self.ends.is_none() {
            self.ends = Some(now + self.length);
        }
        self.taken = self.taken.saturating_add(1);
        self.in_flight += 1;
        self.epoch
    }

    fn settle(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// The answer to a request sent in window `sent_in` reported a window's state.
    fn update(&mut self, now: Instant, sent_in: u64, reported: &Reported) {
        if let Some((limit, length)) = reported.limit {
            self.limit = limit;
            self.length = length;
            self.learned = true;
        }
        let Some(remaining) = reported.remaining else {
            return;
        };
        // The first answer of a server window: the window ends one length after it arrived
        // (a little after the server's own end, never before it).
        let first_of_window = remaining.saturating_add(1) == self.limit;
        if sent_in != self.epoch && !first_of_window {
            // Sent before this window opened and counted in the one before it, which it
            // reports: not one of this window's.
            self.taken = self.taken.saturating_sub(1);
            return;
        }
        let reset = now + reported.reset.unwrap_or(self.length);
        if first_of_window {
            if self.least_remaining.is_some() {
                // The server moved on to its next window before this one was thought to
                // end: start counting again, holding what is in flight against it.
                self.taken = self.in_flight + 1;
                self.answered = 0;
                self.least_remaining = None;
            }
            // `reset` is rounded up: the window's length after this answer is tighter.
            self.ends = Some(reset.min(now + self.length));
        } else {
            self.ends = Some(self.ends.map_or(reset, |ends| ends.min(reset)));
        }
        self.answered += 1;
        self.least_remaining = Some(
            self.least_remaining
                .map_or(remaining, |least| least.min(remaining)),
        );
    }

    /// The answer to a request sent in window `sent_in` reported another window's state
    /// (an account's, the tighter one then): this window counted the request all the same.
    fn counted_elsewhere(&mut self, sent_in: u64) {
        if sent_in == self.epoch {
            self.answered += 1;
        }
    }

    fn close_until(&mut self, until: Instant) {
        self.closed = true;
        self.ends = Some(self.ends.map_or(until, |ends| ends.max(until)));
    }
}

impl Pacing {
    /// Waits until `account` and the token both have room in their windows, and takes a
    /// place in each. The ticket gives it back when the attempt ends. With `max_wait`, a
    /// window closed for longer than that (after a 429 asking for minutes, say) is not
    /// waited for: the error is how long it stays closed.
    pub(crate) async fn admit(
        self: &Arc<Self>,
        account: &str,
        max_wait: Option<Duration>,
    ) -> Result<Ticket, Duration> {
        loop {
            let notified = self.changed.notified();
            let wait = {
                let mut windows = self.lock();
                let now = Instant::now();
                let Windows { accounts, token } = &mut *windows;
                let account_window = accounts
                    .entry(account.to_owned())
                    .or_insert_with(Window::unknown);
                let token_window = token.get_or_insert_with(Window::unknown);
                account_window.roll(now);
                token_window.roll(now);
                match (account_window.wait(now), token_window.wait(now)) {
                    (None, None) => {
                        let windows = (account_window.take(now), token_window.take(now));
                        return Ok(Ticket {
                            pacing: Arc::clone(self),
                            account: account.to_owned(),
                            windows,
                            settled: false,
                        });
                    }
                    (Some(at), None) | (None, Some(at)) => at,
                    (Some(one), Some(other)) => one.max(other),
                }
            };
            let remaining = wait.saturating_duration_since(Instant::now());
            if max_wait.is_some_and(|max_wait| remaining > max_wait) {
                return Err(remaining);
            }
            tokio::select! {
                () = tokio::time::sleep_until(wait) => {}
                () = notified => {}
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Windows> {
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A request sent in the account's and the token's windows `sent_in` ended, with
    /// `answer` if it was answered.
    fn settle(
        &self,
        account: &str,
        sent_in: (u64, u64),
        answer: Option<(u16, &HeaderMap, Option<Duration>)>,
    ) {
        {
            let mut windows = self.lock();
            let now = Instant::now();
            let Windows { accounts, token } = &mut *windows;
            let (Some(account_window), Some(token_window)) = (accounts.get_mut(account), token)
            else {
                return;
            };
            account_window.settle();
            token_window.settle();
            if let Some((status, headers, retry_after)) = answer {
                let reported = Reported::from_headers(headers);
                // The smallest limit an account's answers report is its own; a larger
                // one is the token's.
                let is_token = reported.limit.is_some_and(|(limit, _)| {
                    account_window.learned && limit > account_window.limit
                });
                if is_token {
                    token_window.update(now, sent_in.1, &reported);
                } else {
                    account_window.update(now, sent_in.0, &reported);
                    // The token counted it too: without this, the token's window would
                    // take every answer its own reports did not cover for someone else's.
                    if status != 429 && reported.remaining.is_some() {
                        token_window.counted_elsewhere(sent_in.1);
                    }
                }
                if status == 429 {
                    let wait = retry_after.or(reported.reset).unwrap_or(DOCUMENTED_WINDOW);
                    if is_token {
                        token_window.close_until(now + wait);
                    } else {
                        account_window.close_until(now + wait);
                    }
                }
            }
        }
        self.changed.notify_waiters();
    }
}

/// A request's place in its windows, given back when its attempt ends: with the
/// answer's rate-limit headers ([`Ticket::answered`]), or without (dropped: the
/// attempt failed or was abandoned).
pub(crate) struct Ticket {
    pacing: Arc<Pacing>,
    account: String,
    /// The account's and the token's windows it was sent in.
    windows: (u64, u64),
    settled: bool,
}

impl Ticket {
    /// The attempt was answered with `status`; `retry_after` is the wait the answer asked
    /// for, if any.
    pub(crate) fn answered(
        mut self,
        status: u16,
        headers: &HeaderMap,
        retry_after: Option<Duration>,
    ) {
        self.settled = true;
        self.pacing.settle(
            &self.account,
            self.windows,
            Some((status, headers, retry_after)),
        );
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.settled {
            self.pacing.settle(&self.account, self.windows, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(limit: &str, remaining: u32, reset: u64) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert("ratelimit-limit", HeaderValue::from_str(limit).unwrap());
        map.insert("ratelimit-remaining", HeaderValue::from(remaining));
        map.insert("ratelimit-reset", HeaderValue::from(reset));
        map
    }

    #[test]
    fn the_headers_are_read_as_truto_sends_them() {
        let reported = Reported::from_headers(&headers("50;w=2", 49, 2));
        assert_eq!(reported.limit, Some((50, Duration::from_secs(2))));
        assert_eq!(reported.remaining, Some(49));
        assert_eq!(reported.reset, Some(Duration::from_secs(2)));
        let bare = Reported::from_headers(&headers("110", 3, 7));
        assert_eq!(bare.limit, Some((110, DOCUMENTED_WINDOW)));
        assert_eq!(Reported::from_headers(&HeaderMap::new()).limit, None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_window_waits_for_its_end_learned_from_the_first_answer() {
        let pacing = Arc::new(Pacing::default());
        let started = Instant::now();
        // The first request learns the limit: 3 per 2 s.
        pacing
            .admit("a", None)
            .await
            .unwrap()
            .answered(201, &headers("3;w=2", 2, 2), None);
        for remaining in [1, 0] {
            pacing.admit("a", None).await.unwrap().answered(
                201,
                &headers("3;w=2", remaining, 2),
                None,
            );
        }
        assert_eq!(Instant::now(), started, "three fit in the first window");
        let fourth = pacing.admit("a", None).await.unwrap();
        assert!(
            Instant::now() >= started + Duration::from_secs(2),
            "the fourth waits for the window to end"
        );
        fourth.answered(201, &headers("3;w=2", 2, 2), None);
        // Another account has a window of its own.
        let other = pacing.admit("b", None).await.unwrap();
        drop(other);
    }

    #[tokio::test(start_paused = true)]
    async fn answers_without_rate_limit_headers_hold_nothing_back() {
        let pacing = Arc::new(Pacing::default());
        let started = Instant::now();
        for _ in 0..1000 {
            pacing
                .admit("a", None)
                .await
                .unwrap()
                .answered(201, &HeaderMap::new(), None);
        }
        assert_eq!(Instant::now(), started);
    }

    #[tokio::test(start_paused = true)]
    async fn a_learned_limit_keeps_pacing_when_answers_stop_reporting_it() {
        let pacing = Arc::new(Pacing::default());
        let started = Instant::now();
        pacing
            .admit("a", None)
            .await
            .unwrap()
            .answered(201, &headers("2;w=1", 1, 1), None);
        for _ in 0..5 {
            pacing
                .admit("a", None)
                .await
                .unwrap()
                .answered(201, &HeaderMap::new(), None);
        }
        // 6 requests at 2 per second: the third window opens 2 s in.
        assert!(Instant::now() >= started + Duration::from_secs(2));
        assert!(Instant::now() < started + Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn a_reported_reset_ends_a_window_sooner_than_its_estimate() {
        let pacing = Arc::new(Pacing::default());
        let started = Instant::now();
        pacing
            .admit("a", None)
            .await
            .unwrap()
            .answered(201, &headers("100;w=10", 99, 10), None);
        // The server says nothing is left, but only for another second.
        pacing.admit("a", None).await.unwrap().answered(
            429,
            &headers("100;w=10", 0, 1),
            Some(Duration::from_secs(1)),
        );
        pacing.admit("a", None).await.unwrap();
        let waited = Instant::now() - started;
        assert!(
            waited >= Duration::from_secs(1) && waited < Duration::from_secs(2),
            "{waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn requests_in_flight_count_against_the_window() {
        let pacing = Arc::new(Pacing::default());
        pacing
            .admit("a", None)
            .await
            .unwrap()
            .answered(201, &headers("2;w=1", 1, 1), None);
        let in_flight = pacing.admit("a", None).await.unwrap();
        let started = Instant::now();
        let waiting = tokio::spawn({
            let pacing = Arc::clone(&pacing);
            async move {
                pacing.admit("a", None).await.unwrap();
                Instant::now()
            }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        in_flight.answered(201, &headers("2;w=1", 0, 1), None);
        let admitted = waiting.await.unwrap();
        assert!(
            admitted >= started + Duration::from_millis(900),
            "{:?}",
            admitted - started
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_closes_the_window_until_retry_after() {
        let pacing = Arc::new(Pacing::default());
        let started = Instant::now();
        pacing.admit("a", None).await.unwrap().answered(
            429,
            &HeaderMap::new(),
            Some(Duration::from_secs(3)),
        );
        pacing.admit("a", None).await.unwrap();
        assert!(Instant::now() >= started + Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn a_larger_limit_is_the_tokens_and_holds_every_account() {
        let pacing = Arc::new(Pacing::default());
        // Account a's own limit, then the token's (tighter in remaining, larger in limit).
        pacing
            .admit("a", None)
            .await
            .unwrap()
            .answered(201, &headers("50;w=2", 49, 2), None);
        pacing
            .admit("a", None)
            .await
            .unwrap()
            .answered(201, &headers("4;w=2", 0, 2), None);
        // 4 is smaller than 50: it is read as a's own limit. Now the token reports 100.
        let started = Instant::now();
        pacing
            .admit("b", None)
            .await
            .unwrap()
            .answered(201, &headers("2;w=2", 1, 2), None);
        pacing
            .admit("b", None)
            .await
            .unwrap()
            .answered(201, &headers("3;w=2", 0, 2), None);
        // b learned 2 first; 3 > 2 is the token's, which says nothing is left.
        pacing.admit("c", None).await.unwrap();
        assert!(
            Instant::now() >= started + Duration::from_secs(2),
            "account c waits for the token's window"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_abandoned_attempt_gives_its_place_back() {
        let pacing = Arc::new(Pacing::default());
        pacing
            .admit("a", None)
            .await
            .unwrap()
            .answered(201, &headers("1;w=5", 0, 5), None);
        // The window is full until it ends; an attempt that ends unanswered frees only
        // its in-flight place, not the server's count.
        let started = Instant::now();
        drop(pacing.admit("a", None).await.unwrap());
        assert!(Instant::now() >= started + Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn answers_out_of_order_leave_the_whole_limit_to_the_window() {
        let pacing = Arc::new(Pacing::default());
        pacing
            .admit("a", None)
            .await
            .unwrap()
            .answered(201, &headers("10;w=2", 9, 2), None);
        // Four in flight at once, answered in the reverse of the server's order.
        let mut tickets = Vec::new();
        for _ in 0..4 {
            tickets.push(pacing.admit("a", None).await.unwrap());
        }
        for (ticket, remaining) in tickets.into_iter().zip([5, 6, 7, 8]) {
            ticket.answered(201, &headers("10;w=2", remaining, 2), None);
        }
        // Five sent, five counted: the other five fit in the same window.
        let started = Instant::now();
        for remaining in (0..5).rev() {
            pacing.admit("a", None).await.unwrap().answered(
                201,
                &headers("10;w=2", remaining, 2),
                None,
            );
        }
        assert_eq!(Instant::now(), started, "all ten fit in the first window");
        pacing.admit("a", None).await.unwrap();
        assert!(Instant::now() >= started + Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn requests_of_another_process_count_against_the_window() {
        let pacing = Arc::new(Pacing::default());
        // The server had counted 6 when it answered our first: 5 were someone else's.
        pacing
            .admit("a", None)
            .await
            .unwrap()
            .answered(201, &headers("10;w=2", 4, 2), None);
        let started = Instant::now();
        for remaining in (0..4).rev() {
            pacing.admit("a", None).await.unwrap().answered(
                201,
                &headers("10;w=2", remaining, 2),
                None,
            );
        }
        assert_eq!(Instant::now(), started);
        pacing.admit("a", None).await.unwrap();
        assert!(Instant::now() >= started + Duration::from_secs(1));
    }

    /// Truto's fixed windows as the sandbox keeps them: a window starts with the first
    /// request after the last one ended; the answer reports the tighter of the account's
    /// and the token's, its reset in whole seconds rounded up.
    struct ModelServer {
        per_account: u32,
        per_token: u32,
        length: Duration,
        windows: Mutex<HashMap<Option<String>, (Instant, u32)>>,
    }

    impl ModelServer {
        fn answer(&self, account: &str) -> (u16, HeaderMap) {
            let now = Instant::now();
            let mut windows = self.windows.lock().unwrap();
            let length = self.length;
            let mut status_of = |key: Option<String>| {
                let window = windows.entry(key).or_insert((now, 0));
                if now.duration_since(window.0) >= length {
                    *window = (now, 0);
                }
                *window
            };
            let (account_limit, token_limit) = (self.per_account, self.per_token);
            let account_state = status_of(Some(account.to_owned()));
            let token_state = status_of(None);
            let refused = account_state.1 >= account_limit || token_state.1 >= token_limit;
            let (account_count, token_count) = if refused {
                (account_state.1, token_state.1)
            } else {
                (account_state.1 + 1, token_state.1 + 1)
            };
            windows.get_mut(&Some(account.to_owned())).unwrap().1 = account_count;
            windows.get_mut(&None).unwrap().1 = token_count;
            let by_account = (
                account_limit,
                account_limit - account_count,
                account_state.0,
            );
            let by_token = (token_limit, token_limit - token_count, token_state.0);
            let (limit, remaining, started) = if by_token.1 < by_account.1 {
                by_token
            } else {
                by_account
            };
            let left = (started + self.length).saturating_duration_since(now);
            let reset = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            let mut map = headers(
                &format!("{limit};w={}", self.length.as_secs()),
                remaining,
                reset.max(1),
            );
            if refused {
                map.insert("retry-after", HeaderValue::from(reset.max(1)));
            }
            (if refused { 429 } else { 201 }, map)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn four_accounts_under_one_token_fill_every_token_window() {
        let server = Arc::new(ModelServer {
            per_account: 50,
            per_token: 100,
            length: Duration::from_secs(2),
            windows: Mutex::default(),
        });
        let pacing = Arc::new(Pacing::default());
        let started = Instant::now();
        let rejected = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let mut accounts = Vec::new();
        for account in ["a", "b", "c", "d"] {
            let (server, pacing, rejected) = (
                Arc::clone(&server),
                Arc::clone(&pacing),
                Arc::clone(&rejected),
            );
            accounts.push(tokio::spawn(async move {
                use futures_util::StreamExt;
                futures_util::stream::iter(0..125)
                    .for_each_concurrent(8, |_| {
                        let (server, pacing, rejected) = (
                            Arc::clone(&server),
                            Arc::clone(&pacing),
                            Arc::clone(&rejected),
                        );
                        async move {
                            loop {
                                let ticket = pacing.admit(account, None).await.unwrap();
                                tokio::time::sleep(Duration::from_millis(3)).await;
                                let (status, headers) = server.answer(account);
                                tokio::time::sleep(Duration::from_millis(3)).await;
                                let retry_after =
                                    crate::retry::server_requested_delay(status, &headers);
                                ticket.answered(status, &headers, retry_after);
                                if status != 429 {
                                    break;
                                }
                                rejected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            }
                        }
                    })
                    .await;
            }));
        }
        for account in accounts {
            account.await.unwrap();
        }
        let elapsed = Instant::now() - started;
        // 500 requests at 100 per 2 s: the fifth window opens 8 s in.
        assert!(elapsed < Duration::from_millis(8100), "{elapsed:?}");
        // The first window's answers report the accounts' limits until the token's is
        // tighter: what was in flight by then meets the token's limit.
        let rejected = rejected.load(std::sync::atomic::Ordering::Relaxed);
        assert!(rejected <= 4, "{rejected} answers of 429");
    }
}
