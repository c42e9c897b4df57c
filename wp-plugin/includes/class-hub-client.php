<?php
/**
 * The only place that talks to the Dockhand hub.
 *
 * @package Dockhand
 */

defined( 'ABSPATH' ) || exit;

/**
 * Calls the hub's REST API (/api/v1) with the stored bearer token and turns every failure into a
 * WP_Error whose message a shop owner can act on.
 */
class Dockhand_Hub_Client {

	/**
	 * Hub base URL without trailing slash.
	 *
	 * @var string
	 */
	private $base_url;

	/**
	 * Bearer token.
	 *
	 * @var string
	 */
	private $token;

	/**
	 * Constructor.
	 *
	 * @param string $base_url Hub URL, e.g. https://hub.example.com.
	 * @param string $token    Hub API token.
	 */
	public function __construct( $base_url, $token ) {
		$this->base_url = untrailingslashit( $base_url );
		$this->token    = $token;
	}

	/**
	 * One request to the hub.
	 *
	 * @param string                   $method  HTTP method.
	 * @param string                   $path    Path under /api/v1, e.g. '/connections'.
	 * @param array<string,mixed>|null $body    JSON body, or null.
	 * @param array<string,mixed>      $query   Query arguments.
	 * @param int                      $timeout Seconds.
	 * @return array<string,mixed>|WP_Error Decoded JSON (empty array for 204) or a plain-words error.
	 */
	public function request( $method, $path, $body = null, $query = array(), $timeout = 20 ) {
		$url = $this->base_url . '/api/v1' . $path;
		if ( ! empty( $query ) ) {
			$url = add_query_arg( array_map( 'rawurlencode', $query ), $url );
		}
		$args = array(
			'method'      => $method,
			'timeout'     => $timeout,
			'redirection' => 0,
			'headers'     => array(
				'Authorization' => 'Bearer ' . $this->token,
				'Accept'        => 'application/json',
				'User-Agent'    => 'DockhandForWooCommerce/' . DOCKHAND_WC_VERSION . '; ' . home_url( '/' ),
			),
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $body );
		}

		$response = wp_remote_request( $url, $args );
		if ( is_wp_error( $response ) ) {
			return new WP_Error(
				'dockhand_hub_unreachable',
				sprintf(
					/* translators: 1: hub URL, 2: reason such as "connection refused" */
					__( 'Dockhand can\'t reach the hub at %1$s: %2$s.', 'dockhand-for-woocommerce' ),
					$this->base_url,
					self::plain_reason( $response->get_error_message(), $timeout )
				),
				array( 'status' => 502 )
			);
		}

		$status = (int) wp_remote_retrieve_response_code( $response );
		$raw    = wp_remote_retrieve_body( $response );
		$json   = '' === $raw ? array() : json_decode( $raw, true );

		if ( $status >= 200 && $status < 300 ) {
			if ( ! is_array( $json ) ) {
				return self::not_a_hub( $this->base_url, $status );
			}
			return $json;
		}
		return self::problem_to_error( $this->base_url, $status, is_array( $json ) ? $json : null );
	}

	/**
	 * Turns a transport error (usually cURL's) into a few plain words.
	 *
	 * @param string $message The transport's message.
	 * @param int    $timeout Seconds waited.
	 * @return string
	 */
	public static function plain_reason( $message, $timeout ) {
		$lower = strtolower( $message );
		if ( false !== strpos( $lower, 'connection refused' ) || false !== strpos( $lower, 'curl error 7:' ) ) {
			return __( 'connection refused (is the hub running, and is this its address and port?)', 'dockhand-for-woocommerce' );
		}
		if ( false !== strpos( $lower, 'curl error 28' ) || false !== strpos( $lower, 'timed out' ) ) {
			/* translators: %d: seconds */
			return sprintf( __( 'no answer within %d seconds', 'dockhand-for-woocommerce' ), $timeout );
		}
		if ( false !== strpos( $lower, 'could not resolve' ) || false !== strpos( $lower, 'curl error 6:' ) ) {
			return __( 'that host name doesn\'t resolve (check the spelling of the hub URL)', 'dockhand-for-woocommerce' );
		}
		if ( false !== strpos( $lower, 'ssl' ) || false !== strpos( $lower, 'certificate' ) ) {
			return __( 'its HTTPS certificate isn\'t trusted by this server', 'dockhand-for-woocommerce' );
		}
		if ( false !== strpos( $lower, 'valid url' ) ) {
			return __( 'the address is not a valid URL', 'dockhand-for-woocommerce' );
		}
		return $message;
	}

	/**
	 * A non-JSON answer: whatever answered is not a Dockhand hub (or a proxy in front of it failed).
	 *
	 * @param string $base_url Hub URL.
	 * @param int    $status   HTTP status.
	 * @return WP_Error
	 */
	private static function not_a_hub( $base_url, $status ) {
		return new WP_Error(
			'dockhand_not_a_hub',
			sprintf(
				/* translators: 1: hub URL, 2: HTTP status */
				__( 'Something answered at %1$s (HTTP %2$d), but not a Dockhand hub. Check the hub URL: it is the address the hub prints on start, e.g. http://127.0.0.1:8787.', 'dockhand-for-woocommerce' ),
				$base_url,
				$status
			),
			array( 'status' => 502 )
		);
	}

	/**
	 * Maps the hub's application/problem+json to a WP_Error, keeping the hub's own words.
	 *
	 * @param string                   $base_url Hub URL.
	 * @param int                      $status   HTTP status.
	 * @param array<string,mixed>|null $problem  Decoded body.
	 * @return WP_Error
	 */
	public static function problem_to_error( $base_url, $status, $problem ) {
		if ( null === $problem || ( ! isset( $problem['detail'] ) && ! isset( $problem['title'] ) ) ) {
			return self::not_a_hub( $base_url, $status );
		}
		$detail = isset( $problem['detail'] ) ? (string) $problem['detail'] : (string) $problem['title'];
		$errors = array();
		if ( isset( $problem['errors'] ) && is_array( $problem['errors'] ) ) {
			foreach ( $problem['errors'] as $error ) {
				if ( is_array( $error ) && isset( $error['message'] ) ) {
					$errors[] = array(
						'path'    => isset( $error['path'] ) ? (string) $error['path'] : '',
						'message' => (string) $error['message'],
					);
				}
			}
		}
		if ( 401 === $status ) {
			$message = __( 'The hub refused the token. Paste a current token (create one with "npx dockhand token create --owner …" on the hub).', 'dockhand-for-woocommerce' );
		} else {
			/* translators: %s: the hub's explanation */
			$message = sprintf( __( 'The hub says: %s', 'dockhand-for-woocommerce' ), $detail );
		}
		return new WP_Error(
			$status >= 500 ? 'dockhand_hub_failed' : 'dockhand_hub_rejected',
			$message,
			array(
				'status'     => $status >= 500 ? 502 : 400,
				'hub_status' => $status,
				'hub_code'   => isset( $problem['code'] ) ? (string) $problem['code'] : '',
				'errors'     => $errors,
			)
		);
	}
}
