//! Android: the certificate verifier asks the platform's trust manager through the JVM,
//! so it needs the app's `Context` once, before the first HTTPS call.
//! `truto.ticketing.TrutoAndroid.init(context)` (which the AAR's init provider calls at app
//! start) lands here.

use jni::EnvUnowned;
use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JClass, JObject};

/// `TrutoAndroid.nativeInit(context)`: a failure is thrown as a `RuntimeException`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_truto_ticketing_TrutoAndroid_nativeInit<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    context: JObject<'local>,
) {
    env.with_env(|env| rustls_platform_verifier::android::init_with_env(env, context))
        .resolve::<ThrowRuntimeExAndDefault>()
}
