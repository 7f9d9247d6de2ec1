// swift-tools-version:5.9
//
// Creates a user with the Swift bindings and prints it (macOS; build the XCFramework first):
//
//     bindings/uniffi/swift/build-xcframework.sh
//     cd examples/swift && swift run
import PackageDescription

let package = Package(
    name: "CreateUser",
    platforms: [.macOS(.v11)],
    dependencies: [
        .package(name: "TrutoTicketing", path: "../../bindings/uniffi/swift"),
    ],
    targets: [
        .executableTarget(
            name: "CreateUser",
            dependencies: [.product(name: "TrutoTicketing", package: "TrutoTicketing")],
            path: "Sources/CreateUser"
        ),
    ]
)
