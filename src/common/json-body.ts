/** The Content-Type of every JSON body the engine writes itself (error bodies, pre-serialized answers). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
