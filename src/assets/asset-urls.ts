import { API_BASE_PATH } from '../common/api-path';

/** The routes that serve an asset's bytes; stored in the row so clients never see storage keys. */
export const assetFileUrl = (assetId: string) => `/${API_BASE_PATH}/asset/${assetId}/file`;
export const assetThumbnailUrl = (assetId: string) => `/${API_BASE_PATH}/asset/${assetId}/thumbnail`;
