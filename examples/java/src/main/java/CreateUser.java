// Creates a user, then imports three more, from plain Java, and prints them.
//
// With no TRUTO_API_TOKEN set, it starts the truto-sandbox binary (a local, Truto-compatible
// server) and works there, so it runs offline:
//
//     mvn -q compile exec:java
//
// Against Truto itself:
//
//     TRUTO_API_TOKEN=... mvn -q compile exec:java -Dexec.args=<integrated-account-id>

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import truto.ticketing.BlockingTrutoClient;
import truto.ticketing.BulkRow;
import truto.ticketing.ClientConfig;
import truto.ticketing.ClientConfigBuilder;
import truto.ticketing.CreateUserOptionsBuilder;
import truto.ticketing.Email;
import truto.ticketing.EmailTypes;
import truto.ticketing.NewUser;
import truto.ticketing.NewUserBuilder;
import truto.ticketing.RowOutcome;
import truto.ticketing.SecretString;
import truto.ticketing.TrutoException;
import truto.ticketing.User;

public final class CreateUser {
    public static void main(String[] args) throws IOException, InterruptedException {
        String token = System.getenv("TRUTO_API_TOKEN");
        Process sandbox = null;
        ClientConfigBuilder config = new ClientConfigBuilder().timeout(Duration.ofSeconds(30));
        String account;
        if (token == null || token.isBlank()) {
            File ca = File.createTempFile("truto-sandbox-ca", ".pem");
            ca.deleteOnExit();
            sandbox = startSandbox(ca);
            String url = new BufferedReader(new InputStreamReader(sandbox.getInputStream(), StandardCharsets.UTF_8))
                .readLine().replace("listening on ", "").trim();
            System.err.println("TRUTO_API_TOKEN is not set: using a local sandbox at " + url);
            config.token(new SecretString("sandbox-token")).baseUrl(url)
                .caCert(Files.readString(ca.toPath()));
            account = "sandbox-dixa";
        } else if (args.length == 1) {
            config.token(new SecretString(token));
            account = args[0];
        } else {
            System.err.println("usage: CreateUser <integrated-account-id>");
            System.exit(2);
            return;
        }

        NewUser ada = new NewUserBuilder()
            .name("Ada Lovelace")
            .emails(List.of(new Email("ada@example.com", EmailTypes.PRIMARY)))
            .remoteData(Map.of("department", "Engineering"))
            .build();
        try (BlockingTrutoClient client = new BlockingTrutoClient(config.build())) {
            User user = client.createUser(account, ada,
                new CreateUserOptionsBuilder().idempotencyKey("java-example-ada").build());
            System.out.println(user);

            // A bulk import: one outcome per row, as calls finish; a failed row does not stop it.
            Stream<BulkRow> rows = Stream.of("grace", "alan", "katherine").map(name ->
                new BulkRow(name, new NewUserBuilder()
                    .name(name)
                    .emails(List.of(new Email(name + "@example.com", EmailTypes.PRIMARY)))
                    .build()));
            try (Stream<RowOutcome> outcomes = client.createUsers(account, rows)) {
                outcomes.forEach(outcome -> System.out.println(
                    outcome.getRowId() + ": " + (outcome.getUser() != null ? outcome.getUser().getId() : outcome.getError())));
            }
        } catch (TrutoException.BadRequest error) {
            System.err.println("this integration also needs: " + error.getMissingRequiredFields());
            System.exit(1);
        } catch (TrutoException error) {
            System.err.println("could not create the user (" + error.kind() + "): " + error.getMessage());
            System.exit(1);
        } finally {
            if (sandbox != null) {
                sandbox.getOutputStream().close();
                sandbox.waitFor();
            }
        }
    }

    /** The truto-sandbox binary, serving HTTPS with a CA it writes to `ca`; it stops when its stdin closes. */
    private static Process startSandbox(File ca) throws IOException {
        String binary = System.getenv("TRUTO_SANDBOX_BIN");
        if (binary == null) {
            binary = System.getProperty("truto.sandbox.bin", "target/debug/truto-sandbox");
        }
        if (!new File(binary).canExecute()) {
            throw new IllegalStateException("no sandbox at " + binary + ": cargo build -p truto-sandbox, or set TRUTO_SANDBOX_BIN");
        }
        return new ProcessBuilder(binary, "--tls", "--ca-out", ca.getPath())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    }
}
