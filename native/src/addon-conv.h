/* N-API functions of the native conv and fused conv -> ReLU -> pool (addon-conv.c), registered by addon.c. */
#ifndef PAIRNET_ADDON_CONV_H
#define PAIRNET_ADDON_CONV_H

#include <node_api.h>

napi_value pn_napi_conv2d_forward(napi_env env, napi_callback_info info);
napi_value pn_napi_conv2d_backward(napi_env env, napi_callback_info info);
napi_value pn_napi_conv_relu_forward(napi_env env, napi_callback_info info);
napi_value pn_napi_conv_relu_backward(napi_env env, napi_callback_info info);

#endif
