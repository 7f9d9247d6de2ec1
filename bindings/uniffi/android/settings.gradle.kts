// The Android library (AAR) of truto-ticketing: the same Kotlin bindings as the JVM jar,
// with the Rust library cross-compiled for the Android ABIs by cargo-ndk.
// Built by .github/workflows/release.yml on GitHub's runners (Android SDK and NDK); not on
// the machines this repository is developed on, which have neither. See ../README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
    plugins {
        id("com.android.library") version "8.7.3"
        id("org.jetbrains.kotlin.android") version "2.4.21"
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
        // rustls-platform-verifier's Kotlin component, in the version its crate pins
        // (build.gradle.kts reads it from Cargo.lock): served only from this repository.
        maven {
            url = uri("https://github.com/rustls/rustls-platform-verifier/raw/maven-archive/android-release-support/maven/")
            content { includeGroup("rustls") }
        }
    }
}

rootProject.name = "truto-ticketing-android"
