/* N-API functions of the native batch normalisation (addon-norm.c), registered by addon.c. */
#ifndef PAIRNET_ADDON_NORM_H
#define PAIRNET_ADDON_NORM_H

#include <node_api.h>

napi_value pn_napi_batchnorm_forward(napi_env env, napi_callback_info info);
napi_value pn_napi_batchnorm_backward(napi_env env, napi_callback_info info);

#endif
