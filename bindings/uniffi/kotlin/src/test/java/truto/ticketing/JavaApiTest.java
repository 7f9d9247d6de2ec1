package truto.ticketing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import kotlinx.serialization.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What a Java caller meets beyond the conformance cases: builders, exceptions, futures, streams. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaApiTest {
    private SandboxProcess sandbox;
    private BlockingTrutoClient client;

    private final NewUser ada = new NewUserBuilder()
        .name("Ada Lovelace")
        .emails(List.of(new Email("ada@example.com", EmailTypes.PRIMARY)))
        .build();

    @BeforeAll
    void start() {
        sandbox = new SandboxProcess("--no-rate-limits");
        client = new BlockingTrutoClient(new ClientConfigBuilder()
            .token(new SecretString(sandbox.getToken()))
            .baseUrl(sandbox.getUrl())
            .maxRetries(0)
            .build());
    }

    @AfterAll
    void stop() {
        client.close();
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    private void fault(String json) {
        sandbox.faults("sandbox-dixa", Json.Default.parseToJsonElement(json));
    }

    @Test
    void buildersSetOnlyWhatIsGivenAndNameAMissingRequiredField() {
        CreateUserOptions defaults = new CreateUserOptionsBuilder().build();
        assertEquals(new CreateUserOptions(), defaults);
        NewUser renamed = NewUserBuilder.from(ada).name("Augusta Ada King").build();
        assertEquals("Augusta Ada King", renamed.getName());
        assertEquals(ada.getEmails(), renamed.getEmails());

        TrutoException.InvalidInput missing = assertThrows(TrutoException.InvalidInput.class, () -> new EmailBuilder().build());
        assertEquals("email", missing.getField());
        assertEquals("invalid_input", missing.kind());
    }

    @Test
    void aBlockingCallAnswersTheUserWithJsonAsJavaMaps() {
        NewUser user = NewUserBuilder.from(ada)
            .remoteData(Map.of("department", "Engineering", "level", 7, "tags", List.of("a", "b")))
            .status(UserStatuses.INACTIVE)
            .roles(new Roles.Name(RoleNames.MEMBER))
            .build();
        User created = client.createUser("sandbox-dixa", user); // the overload without options
        assertEquals("Ada Lovelace", created.getName());
        assertEquals(Boolean.FALSE, created.isActive());
        assertEquals(EmailTypes.PRIMARY, created.getEmails().get(0).getType());
        Map<String, Object> remote = created.getRemoteData();
        assertEquals("Engineering", remote.get("department"));
        assertEquals(7L, remote.get("level"));
        assertEquals(List.of("a", "b"), remote.get("tags"));
        assertTrue(created.getExtra().isEmpty());
    }

    @Test
    void errorsAreUncheckedExceptionsJavaCatchesByClass() {
        try {
            client.createUser("sandbox-dixa", new NewUserBuilder().name("Nobody").build());
            throw new AssertionError("a user without emails was created");
        } catch (TrutoException.BadRequest error) {
            assertEquals(400, error.getStatus());
            assertEquals(List.of("emails"), error.getMissingRequiredFields());
            assertNotNull(error.getRequestId());
            assertEquals(1, error.getAttempts());
            assertFalse(error.getRetryable());
            assertEquals("bad_request", error.kind());
        }
        fault("[{\"status\": 429, \"retry_after\": 120}]");
        TrutoException.RateLimited limited = assertThrows(TrutoException.RateLimited.class,
            () -> client.createUser("sandbox-dixa", ada));
        assertEquals(Duration.ofSeconds(120), limited.getRetryAfter());
        // Every case is a RuntimeException: no `throws` clause is forced on callers.
        assertInstanceOf(RuntimeException.class, limited);
    }

    @Test
    void aBadValueIsRefusedBeforeSendingNamingTheField() {
        TrutoException.InvalidInput negative = assertThrows(TrutoException.InvalidInput.class, () ->
            client.createUser("sandbox-dixa", ada, new CreateUserOptionsBuilder().timeout(Duration.ofSeconds(-1)).build()));
        assertEquals("timeout", negative.getField());
        TrutoException.InvalidInput notJson = assertThrows(TrutoException.InvalidInput.class, () ->
            client.createUser("sandbox-dixa", NewUserBuilder.from(ada).customFields(Map.of("when", new Object())).build()));
        assertTrue(notJson.getDetail().contains("is not JSON"), notJson.getDetail());
        assertEquals(0, sandbox.requests().size());
    }

    @Test
    void futuresCompleteWithTheUserOrTheTypedError() throws Exception {
        AsyncTrutoClient async = client.async();
        CompletableFuture<User> created = async.createUser("sandbox-dixa", ada);
        assertEquals("Ada Lovelace", created.get(10, TimeUnit.SECONDS).getName());

        CompletableFuture<User> unknown = async.createUser("no-such-account", ada);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> unknown.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TrutoException.NotFound.class, failed.getCause());

        List<CompletableFuture<User>> many = IntStream.range(0, 50)
            .mapToObj(n -> async.createUser("sandbox-dixa", new NewUserBuilder()
                .name("User " + n)
                .emails(List.of(new Email("user" + n + "@example.com", EmailTypes.PRIMARY)))
                .build()))
            .toList();
        CompletableFuture.allOf(many.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(51, sandbox.users("sandbox-dixa").size());
    }

    @Test
    void cancellingAFutureAbandonsTheCall() throws Exception {
        fault("[{\"delay_ms\": 3000}]");
        long started = System.nanoTime();
        CompletableFuture<User> slow = client.async().createUser("sandbox-dixa", ada);
        Thread.sleep(100);
        assertTrue(slow.cancel(true));
        assertTrue(slow.isCancelled());
        // The client is free at once for the next call.
        assertEquals("Ada Lovelace", client.createUser("sandbox-dixa", ada).getName());
        assertTrue((System.nanoTime() - started) / 1_000_000 < 2500, "the cancelled call held the client");
    }

    @Test
    void listingIsALazyStreamAndEveryOneUserCallHasItsJavaForms() throws Exception {
        sandbox.seed(Json.Default.parseToJsonElement("{\"integrated_account_id\": \"sandbox-dixa\", \"generate\": 5}"));
        ListUsersOptions twoAPage = new ListUsersOptionsBuilder().limit(2).build();
        try (Stream<User> users = client.listUsers("sandbox-dixa", twoAPage)) {
            assertEquals(List.of("User 1", "User 2", "User 3"), users.limit(3).map(User::getName).toList());
        }
        assertEquals(2, sandbox.requests().size(), "a page was fetched before the stream reached it");
        List<User> all;
        try (Stream<User> users = client.listUsers("sandbox-dixa", twoAPage)) {
            all = users.toList();
        }
        assertEquals(5, all.size());
        assertEquals(java.time.Instant.parse(all.get(0).getCreatedAtRaw()), all.get(0).getCreatedAt());

        String id = all.get(0).getId();
        User renamed = client.updateUser("sandbox-dixa", id, new NewUserBuilder().name("Renamed").build());
        assertEquals("Renamed", renamed.getName());
        assertEquals("Renamed", client.async().getUser("sandbox-dixa", id).get(10, TimeUnit.SECONDS).getName());
        assertEquals(id, client.async().deleteUser("sandbox-dixa", id).get(10, TimeUnit.SECONDS));
        assertThrows(TrutoException.NotFound.class, () -> client.getUser("sandbox-dixa", id));
        List<UserPage> pages = JavaCallers.join(JavaCallers.collect(client.async().listUserPages("sandbox-dixa", twoAPage), Long.MAX_VALUE));
        assertEquals(List.of(2, 2), pages.stream().map(page -> page.getUsers().size()).toList());
    }

    @Test
    void aBulkStreamClosedEarlyStopsTheImport() {
        Stream<BulkRow> rows = IntStream.range(0, 1000).mapToObj(n -> new BulkRow("row-" + n, new NewUserBuilder()
            .name("User " + n)
            .emails(List.of(new Email("user" + n + "@example.com", EmailTypes.PRIMARY)))
            .build()));
        try (Stream<RowOutcome> outcomes = client.createUsers("sandbox-dixa", rows,
            new CreateUsersOptionsBuilder().concurrency(2).build())) {
            assertEquals(3, outcomes.limit(3).count());
        }
        int stored = sandbox.users("sandbox-dixa").size();
        assertTrue(stored >= 3 && stored < 100, stored + " users were created after the stream was closed");
    }
}
