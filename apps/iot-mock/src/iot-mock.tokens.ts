export const IOT_MOCK_CONFIG = Symbol('IOT_MOCK_CONFIG');
