// swift-tools-version:6.0
// The decoder fuzzers (docs/RELIABILITY.md, "Decoders under libFuzzer"): a
// package of its own, so that the product's `swift build` and `swift test`
// never see them. Built only by `make fuzz-decoders` / `make check-fuzz`:
//   swift build --package-path Fuzz -c release --sanitize fuzzer --sanitize address \
//       -Xswiftc -sanitize=fuzzer,address   (so that PgwalkKit has coverage too)
import Foundation
import PackageDescription

// A path dependency is named after its folder (main, wt-NAME, ...).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let kit = Target.Dependency.product(name: "PgwalkKit", package: root.lastPathComponent)
// libFuzzer supplies main(): the targets are libraries to the compiler.
let settings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "pgwalk-fuzz",
    dependencies: [.package(path: root.path)],
    targets: [
        // StreamDecoder and everything `walk/conform --input` runs on a stream.
        .executableTarget(name: "fuzz-stream", dependencies: [kit], path: "Sources/FuzzStream",
                          swiftSettings: settings),
        // verify's page and VMA checks on a stream, against a fixed pagemap and maps.
        .executableTarget(name: "fuzz-verify", dependencies: [kit], path: "Sources/FuzzVerify",
                          swiftSettings: settings),
    ]
)
