// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pgwalk",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "PgwalkKit", targets: ["PgwalkKit"]),
        .executable(name: "pgwalkctl", targets: ["pgwalkctl"]),
        .executable(name: "pgwalk-scenario", targets: ["pgwalk-scenario"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // Kernel UAPI structures and the ioctl/signal calls Swift cannot
        // express directly (variadic ioctl, PAGEMAP_SCAN structs), and the
        // module's stream format header (kmod/pgwalk_format.h).
        .target(name: "CPgwalkShims"),
        // The library: stream decoder, walker model, procfs readers, verify,
        // conformance (docs: Sources/PgwalkKit/PgwalkKit.docc).
        .target(
            name: "PgwalkKit",
            dependencies: [
                "CPgwalkShims",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The text, CSV, JSON and HTML outputs of the commands. Nothing in
        // PgwalkKit depends on it.
        .target(
            name: "PgwalkRender",
            dependencies: [
                "PgwalkKit",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The selftest harness: scenarios run against the loaded module and
        // checked against /proc. Linked only by pgwalkctl.
        .target(
            name: "PgwalkSelftest",
            dependencies: [
                "PgwalkKit",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "pgwalkctl",
            dependencies: [
                "PgwalkKit",
                "PgwalkRender",
                "PgwalkSelftest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The validation suite's scenario program (C): docs/SCENARIOS.md.
        .executableTarget(name: "pgwalk-scenario", path: "Sources/pgwalk-scenario"),
        .testTarget(
            name: "PgwalkKitTests",
            // CPgwalkShims: kmod/pgwalk_format.h, for the format agreement test.
            dependencies: ["PgwalkKit", "PgwalkRender", "CPgwalkShims"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "PgwalkRenderTests",
            dependencies: ["PgwalkRender", "PgwalkKit"]
        ),
        .testTarget(
            name: "PgwalkSelftestTests",
            dependencies: ["PgwalkSelftest", "PgwalkKit"]
        ),
        // The command line's own logic: exit codes, option defaults.
        .testTarget(
            name: "PgwalkCtlTests",
            dependencies: [
                "pgwalkctl",
                "PgwalkKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
