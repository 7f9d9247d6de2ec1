// Android AAR of truto-ticketing. Built by .github/workflows/release.yml (the Android SDK and
// NDK of GitHub's runners); the development machines have neither. By hand:
//
//     cargo install cargo-ndk
//     rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android
//     cd bindings/uniffi/android && gradle assembleRelease     # -> build/outputs/aar/
//
// 1. cargoNdkBuild cross-compiles the Rust library for each ABI into build/rustJniLibs/<abi>/.
// 2. generateUniffiBindings runs the workspace's `uniffi-bindgen kotlin` on the arm64 library
//    (library mode reads the metadata from any target's binary) into build/generated/uniffi/:
//    UniFFI's bindings and the Java forms, Kotlin flows and builders derived from them.
// 3. The AAR packs those Kotlin sources, the hand-written ones shared with the JVM jar
//    (bindings/uniffi/kotlin/src/main/kotlin), the .so files, and depends on JNA's AAR
//    (which carries libjnidispatch.so per ABI). minSdk 26: spans of time are java.time.Duration.
// 4. HTTPS: certificates are checked by Android's trust manager through
//    rustls-platform-verifier, whose Kotlin component (org.rustls.platformverifier) is
//    bundled into this AAR's classes, in the version Cargo.lock pins; TrutoInitProvider
//    gives it the app's Context at start (src/main/kotlin/truto/ticketing/TrutoAndroid.kt,
//    and src/android.rs on the Rust side).
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

val workspaceDir: File = rootDir.resolve("../../..").canonicalFile
val rustJniLibs = layout.buildDirectory.dir("rustJniLibs")
val uniffiKotlin = layout.buildDirectory.dir("generated/uniffi")
val androidAbis = listOf("arm64-v8a", "armeabi-v7a", "x86_64", "x86")
val minSdkVersion = 26

android {
    namespace = "truto.ticketing"
    compileSdk = 35
    // cargo-ndk uses the same NDK (ANDROID_NDK_HOME, else the SDK's ndk/ folder).
    ndkVersion = "27.2.12479018"

    defaultConfig {
        minSdk = minSdkVersion
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            java.srcDir(uniffiKotlin)
            java.srcDir(workspaceDir.resolve("bindings/uniffi/kotlin/src/main/kotlin"))
            java.srcDir("src/main/kotlin")
            jniLibs.srcDir(rustJniLibs)
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

/** The version of rustls-platform-verifier's Kotlin component the Rust side was built with. */
val verifierVersion: String = workspaceDir.resolve("Cargo.lock").readLines().let { lines ->
    val at = lines.indexOfFirst { it.trim() == "name = \"rustls-platform-verifier-android\"" }
    check(at >= 0) { "rustls-platform-verifier-android is not in Cargo.lock" }
    lines[at + 1].substringAfter('"').substringBefore('"')
}

// The component comes as an AAR from a repository users do not have: its classes are
// unpacked and shipped inside this AAR instead (a local jar is packaged into libs/).
val verifierAar by configurations.creating
val verifierClasses = layout.buildDirectory.file("rustls-platform-verifier/classes.jar")
val unpackVerifier by tasks.registering(Copy::class) {
    from({ zipTree(verifierAar.singleFile) }) { include("classes.jar") }
    into(verifierClasses.get().asFile.parentFile)
}

dependencies {
    // The @aar artifact carries JNA's native dispatch library for every Android ABI.
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
    // Java's async streams are Reactive Streams Publishers, as on the JVM.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-reactive:1.11.0")
    verifierAar("rustls:rustls-platform-verifier:$verifierVersion@aar")
    implementation(files(verifierClasses).builtBy(unpackVerifier))
}

val cargoNdkBuild by tasks.registering(Exec::class) {
    description = "Cross-compiles libtruto_ticketing_uniffi.so for every Android ABI with cargo-ndk."
    workingDir = workspaceDir
    val release = gradle.startParameter.taskNames.none { it.contains("Debug", ignoreCase = true) }
    commandLine(
        buildList {
            addAll(listOf("cargo", "ndk", "--platform", minSdkVersion.toString()))
            androidAbis.forEach { addAll(listOf("-t", it)) }
            addAll(listOf("-o", rustJniLibs.get().asFile.path, "build", "-p", "truto-ticketing-uniffi"))
            if (release) add("--release")
        },
    )
    outputs.dir(rustJniLibs)
    outputs.upToDateWhen { false } // cargo decides what is up to date
}

val generateUniffiBindings by tasks.registering(Exec::class) {
    description = "Generates the Kotlin bindings and their JVM forms from the arm64 library (library mode)."
    dependsOn(cargoNdkBuild)
    workingDir = workspaceDir
    commandLine(
        "cargo", "run", "-p", "uniffi-bindgen", "--",
        "kotlin", rustJniLibs.get().file("arm64-v8a/libtruto_ticketing_uniffi.so").asFile.path,
        "--out-dir", uniffiKotlin.get().asFile.path,
    )
    outputs.dir(uniffiKotlin)
}

tasks.named("preBuild") {
    dependsOn(generateUniffiBindings)
}

// LICENSE-MIT, LICENSE-APACHE and THIRD-PARTY-NOTICES.md at the AAR's root: the notices name
// the crates linked into its natives, written by scripts/notices (cargo-about, installed
// into the workspace's target/tools on first use).
val thirdPartyNotices = layout.buildDirectory.file("notices/THIRD-PARTY-NOTICES.md")
val writeThirdPartyNotices by tasks.registering(Exec::class) {
    description = "Writes THIRD-PARTY-NOTICES.md for the Android ABIs (scripts/notices write android)."
    workingDir = workspaceDir
    commandLine("python3", "scripts/notices", "write", "android", thirdPartyNotices.get().asFile.path)
    outputs.file(thirdPartyNotices)
    outputs.upToDateWhen { false } // Cargo.lock decides
}
tasks.withType<Zip>().matching { it.name.startsWith("bundle") && it.name.endsWith("Aar") }.configureEach {
    from(workspaceDir.resolve("LICENSE-MIT"), workspaceDir.resolve("LICENSE-APACHE"))
    from(writeThirdPartyNotices)
}

// Maven Central: io.github.truto-ticketing:truto-ticketing-android (the release workflow
// signs and uploads what `publishReleasePublicationToStagingRepository` writes).
apply(plugin = "maven-publish")

android {
    publishing {
        singleVariant("release") {
            withSourcesJar()
        }
    }
}

afterEvaluate {
    extensions.configure<PublishingExtension> {
        publications {
            create<MavenPublication>("release") {
                from(components["release"])
                groupId = "io.github.truto-ticketing"
                artifactId = "truto-ticketing-android"
                version = providers.gradleProperty("trutoVersion").get() // gradle.properties; scripts/version
                pom {
                    name.set("truto-ticketing (Android)")
                    description.set("Typed, retry-safe client for Truto's Unified Ticketing API: Android bindings of the Rust core")
                    url.set("https://github.com/truto-ticketing/truto-ticketing-sdk")
                    licenses {
                        license {
                            name.set("MIT License")
                            url.set("https://opensource.org/licenses/MIT")
                        }
                        license {
                            name.set("Apache License, Version 2.0")
                            url.set("https://www.apache.org/licenses/LICENSE-2.0.txt")
                        }
                    }
                    developers {
                        developer {
                            id.set("truto-ticketing")
                            name.set("The truto-ticketing SDK developers")
                        }
                    }
                    scm {
                        url.set("https://github.com/truto-ticketing/truto-ticketing-sdk")
                        connection.set("scm:git:https://github.com/truto-ticketing/truto-ticketing-sdk.git")
                    }
                }
            }
        }
        repositories {
            maven {
                name = "staging"
                url = uri(layout.buildDirectory.dir("staging-repository"))
            }
        }
    }
}
