package truto.ticketing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Java's two surfaces as conformance callers: {@link BlockingTrutoClient} (calls that wait,
 * {@code Stream}s) and {@link AsyncTrutoClient} ({@code CompletableFuture}s, Reactive Streams
 * {@code Publisher}s). Arguments are built as a Java user builds them: with the generated
 * builders, never by passing every field.
 */
final class JavaCallers {
    private JavaCallers() {}

    static final Caller BLOCKING = new Base() {
        @Override
        public Session open(ClientConfig config) {
            BlockingTrutoClient client = new BlockingTrutoClient(config);
            return new Session() {
                @Override
                public User createUser(String account, NewUser user, CreateUserOptions options) {
                    return client.createUser(account, user, options);
                }

                @Override
                public CreateUserResponse createUserWithFormat(String account, NewUser user, CreateUserOptions options, ResponseFormat format) {
                    return client.createUserWithFormat(account, user, options, format);
                }

                @Override
                public List<RowOutcome> createUsers(String account, List<BulkRow> rows, CreateUsersOptions options) {
                    try (Stream<RowOutcome> outcomes = client.createUsers(account, rows.stream(), options)) {
                        return outcomes.toList();
                    }
                }

                @Override
                public List<UserPage> listUserPages(String account, ListUsersOptions options, Integer maxPages) {
                    try (Stream<UserPage> pages = client.listUserPages(account, options)) {
                        return (maxPages == null ? pages : pages.limit(maxPages)).toList();
                    }
                }

                @Override
                public User getUser(String account, String id, CallOptions options) {
                    return client.getUser(account, id, options);
                }

                @Override
                public User updateUser(String account, String id, NewUser changes, CallOptions options, String idempotencyKey) {
                    return client.updateUser(account, id, changes, options, idempotencyKey);
                }

                @Override
                public String deleteUser(String account, String id, CallOptions options) {
                    return client.deleteUser(account, id, options);
                }

                @Override
                public void close() {
                    client.close();
                }
            };
        }
    };

    static final Caller ASYNC = new Base() {
        @Override
        public Session open(ClientConfig config) {
            AsyncTrutoClient client = new AsyncTrutoClient(config);
            return new Session() {
                @Override
                public User createUser(String account, NewUser user, CreateUserOptions options) {
                    return join(client.createUser(account, user, options));
                }

                @Override
                public CreateUserResponse createUserWithFormat(String account, NewUser user, CreateUserOptions options, ResponseFormat format) {
                    return join(client.createUserWithFormat(account, user, options, format));
                }

                @Override
                public List<RowOutcome> createUsers(String account, List<BulkRow> rows, CreateUsersOptions options) {
                    return join(collect(client.createUsers(account, publisherOf(rows), options), Long.MAX_VALUE));
                }

                @Override
                public List<UserPage> listUserPages(String account, ListUsersOptions options, Integer maxPages) {
                    return join(collect(client.listUserPages(account, options), maxPages == null ? Long.MAX_VALUE : maxPages));
                }

                @Override
                public User getUser(String account, String id, CallOptions options) {
                    return join(client.getUser(account, id, options));
                }

                @Override
                public User updateUser(String account, String id, NewUser changes, CallOptions options, String idempotencyKey) {
                    return join(client.updateUser(account, id, changes, options, idempotencyKey));
                }

                @Override
                public String deleteUser(String account, String id, CallOptions options) {
                    return join(client.deleteUser(account, id, options));
                }

                @Override
                public void close() {
                    client.close();
                }
            };
        }
    };

    /** What both surfaces build the same way. */
    private abstract static class Base implements Caller {
        @Override
        public ClientConfig clientConfig(String token, String baseUrl, String caCert, Integer maxRetries, Long timeoutMs) {
            ClientConfigBuilder config = new ClientConfigBuilder().token(new SecretString(token)).baseUrl(baseUrl).caCert(caCert);
            if (maxRetries != null) {
                config.maxRetries(maxRetries);
            }
            if (timeoutMs != null) {
                config.timeout(Duration.ofMillis(timeoutMs));
            }
            return config.build();
        }

        @Override
        public NewUser newUser(Map<String, ?> fields) {
            NewUserBuilder user = new NewUserBuilder();
            for (Map.Entry<String, ?> field : fields.entrySet()) {
                Object value = field.getValue();
                switch (field.getKey()) {
                    case "name" -> user.name((String) value);
                    case "avatar" -> user.avatar((String) value);
                    case "emails" -> user.emails(emails(value));
                    case "first_name" -> user.firstName((String) value);
                    case "last_name" -> user.lastName((String) value);
                    case "languages" -> user.languages(strings(value));
                    case "nick_name" -> user.nickName((String) value);
                    case "password" -> user.password(value == null ? null : new SecretString((String) value));
                    case "remote_data" -> user.remoteData(object(value));
                    case "roles" -> user.roles(roles(value));
                    case "status" -> user.status(value == null ? null : UserStatuses.of((String) value));
                    case "team_ids" -> user.teamIds(strings(value));
                    case "user_type" -> user.userType((String) value);
                    case "username" -> user.username((String) value);
                    case "custom_fields" -> user.customFields(object(value));
                    default -> throw new IllegalArgumentException("the Java runner does not know the user field " + field.getKey());
                }
            }
            return user.build();
        }

        @Override
        public CreateUserOptions createUserOptions(Map<String, ?> fields) {
            CreateUserOptionsBuilder options = new CreateUserOptionsBuilder();
            for (Map.Entry<String, ?> field : fields.entrySet()) {
                Object value = field.getValue();
                switch (field.getKey()) {
                    case "collections" -> options.collections(list(value).stream()
                        .map(collection -> new CollectionRefBuilder().id((String) object(collection).get("id")).build())
                        .toList());
                    case "ignore_remote_data" -> options.ignoreRemoteData((Boolean) value);
                    case "exclude_fields" -> options.excludeFields(strings(value));
                    case "remote_query" -> options.remoteQuery(object(value));
                    case "idempotency_key" -> options.idempotencyKey((String) value);
                    case "timeout_ms" -> options.timeout(Duration.ofMillis((Long) value));
                    case "max_retries" -> options.maxRetries(((Long) value).intValue());
                    default -> throw new IllegalArgumentException("the Java runner does not know the option " + field.getKey());
                }
            }
            return options.build();
        }

        @Override
        public CallOptions callOptions(Map<String, ?> fields) {
            CallOptionsBuilder options = new CallOptionsBuilder();
            for (Map.Entry<String, ?> field : fields.entrySet()) {
                Object value = field.getValue();
                switch (field.getKey()) {
                    case "ignore_remote_data" -> options.ignoreRemoteData((Boolean) value);
                    case "exclude_fields" -> options.excludeFields(strings(value));
                    case "remote_query" -> options.remoteQuery(object(value));
                    case "timeout_ms" -> options.timeout(Duration.ofMillis((Long) value));
                    case "max_retries" -> options.maxRetries(((Long) value).intValue());
                    default -> throw new IllegalArgumentException("the Java runner does not know the option " + field.getKey());
                }
            }
            return options.build();
        }

        @Override
        public ListUsersOptions listUsersOptions(Map<String, ?> fields) {
            ListUsersOptionsBuilder options = new ListUsersOptionsBuilder();
            Map<String, Object> common = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, ?> field : fields.entrySet()) {
                Object value = field.getValue();
                switch (field.getKey()) {
                    case "limit" -> options.limit(((Long) value).intValue());
                    case "cursor" -> options.cursor((String) value);
                    case "emails" -> options.emails(strings(value));
                    case "name" -> options.name((String) value);
                    case "is_active" -> options.isActive((Boolean) value);
                    case "created_at" -> options.createdAt(bounds(value));
                    case "updated_at" -> options.updatedAt(bounds(value));
                    case "sort_by" -> options.sortBy(list(value).stream().map(item -> {
                        Map<String, Object> sort = object(item);
                        return new SortBy((String) sort.get("field"), "desc".equals(sort.get("order")) ? SortOrder.DESC : SortOrder.ASC);
                    }).toList());
                    case "collections" -> options.collections(list(value).stream()
                        .map(collection -> new CollectionRef((String) object(collection).get("id")))
                        .toList());
                    default -> common.put(field.getKey(), value);
                }
            }
            return options.call(callOptions(common)).build();
        }

        @Override
        public CreateUsersOptions createUsersOptions(Integer concurrency, Integer maxRetries) {
            CreateUsersOptionsBuilder options = new CreateUsersOptionsBuilder();
            if (concurrency != null) {
                options.concurrency(concurrency);
            }
            if (maxRetries != null) {
                options.call(new CreateUserOptionsBuilder().maxRetries(maxRetries).build());
            }
            return options.build();
        }
    }

    private static List<Email> emails(Object value) {
        if (value == null) {
            return null;
        }
        return list(value).stream().map(item -> {
            Map<String, Object> email = object(item);
            EmailBuilder built = new EmailBuilder().email((String) email.get("email"));
            if (email.get("type") != null) {
                built.type(EmailTypes.of((String) email.get("type")));
            }
            return built.build();
        }).toList();
    }

    private static Roles roles(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String name) {
            return new Roles.Name(RoleNames.of(name));
        }
        return new Roles.Objects(list(value).stream().map(item -> {
            Map<String, Object> role = object(item);
            return new RoleBuilder().id((String) role.get("id")).name((String) role.get("name")).build();
        }).toList());
    }

    private static TimeBounds bounds(Object value) {
        Map<String, Object> bounds = object(value);
        TimeBoundsBuilder built = new TimeBoundsBuilder();
        if (bounds.get("gt") != null) built.gt(Instant.parse((String) bounds.get("gt")));
        if (bounds.get("gte") != null) built.gte(Instant.parse((String) bounds.get("gte")));
        if (bounds.get("lt") != null) built.lt(Instant.parse((String) bounds.get("lt")));
        if (bounds.get("lte") != null) built.lte(Instant.parse((String) bounds.get("lte")));
        return built.build();
    }

    private static List<String> strings(Object value) {
        return value == null ? null : list(value).stream().map(String.class::cast).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    /** A future's value, or the exception it failed with (a {@code TrutoException}), unwrapped. */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException wrapped) {
            if (wrapped.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw wrapped;
        }
    }

    /** A publisher of a list's items, honouring demand and cancellation. */
    static <T> Publisher<T> publisherOf(List<T> items) {
        return subscriber -> {
            Iterator<T> remaining = items.iterator();
            AtomicBoolean done = new AtomicBoolean();
            subscriber.onSubscribe(new Subscription() {
                @Override
                public synchronized void request(long n) {
                    for (long sent = 0; sent < n && remaining.hasNext() && !done.get(); sent++) {
                        subscriber.onNext(remaining.next());
                    }
                    if (!remaining.hasNext() && done.compareAndSet(false, true)) {
                        subscriber.onComplete();
                    }
                }

                @Override
                public void cancel() {
                    done.set(true);
                }
            });
        };
    }

    /**
     * The first {@code max} items a publisher gives (all of them when it completes sooner);
     * its error if it fails. Exactly {@code max} are requested, then the subscription is
     * cancelled: a publisher that honours demand produces no more.
     */
    static <T> CompletableFuture<List<T>> collect(Publisher<T> publisher, long max) {
        CompletableFuture<List<T>> all = new CompletableFuture<>();
        publisher.subscribe(new Subscriber<T>() {
            private final List<T> items = new ArrayList<>();
            private Subscription subscription;

            @Override
            public void onSubscribe(Subscription subscription) {
                this.subscription = subscription;
                if (max == 0) {
                    subscription.cancel();
                    all.complete(items);
                } else {
                    subscription.request(max);
                }
            }

            @Override
            public void onNext(T item) {
                items.add(item);
                if (items.size() == max) {
                    subscription.cancel();
                    all.complete(items);
                }
            }

            @Override
            public void onError(Throwable error) {
                all.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                all.complete(items);
            }
        });
        return all;
    }
}
