import Foundation

/// The items of a listing (its users, or its pages), fetched as iteration reaches them: a
/// page is requested only when the items before it are used up.
///
/// ```swift
/// for try await user in client.listUsers(integratedAccountId: "<account>", options: ListUsersOptions(limit: 100)) {
///     print(user.id, user.createdAt ?? "no date")
/// }
/// ```
public struct Listing<Element>: AsyncSequence {
    /// Starts the listing and gives the function that reads its next item.
    fileprivate let start: () async throws -> () async throws -> Element?

    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let start: () async throws -> () async throws -> Element?
        fileprivate var read: (() async throws -> Element?)?

        public mutating func next() async throws -> Element? {
            if read == nil {
                read = try await start()
            }
            return try await read?()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(start: start, read: nil)
    }
}

public extension TrutoClient {
    /// Every user of the integrated account, page after page through `next_cursor`.
    func listUsers(
        integratedAccountId: String,
        options: ListUsersOptions = ListUsersOptions()
    ) -> Listing<User> {
        Listing {
            let users = try await self.startListUsers(integratedAccountId: integratedAccountId, options: options)
            return { try await users.next() }
        }
    }

    /// The same listing page by page; keep a page's `nextCursor` to resume later with
    /// `ListUsersOptions(cursor:)`.
    func listUserPages(
        integratedAccountId: String,
        options: ListUsersOptions = ListUsersOptions()
    ) -> Listing<UserPage> {
        Listing {
            let pages = try await self.startListUserPages(integratedAccountId: integratedAccountId, options: options)
            return { try await pages.next() }
        }
    }
}
